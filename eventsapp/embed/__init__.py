"""The embeddable event list: a page another website may frame, and the script that frames it.

GET /embed/organisations/<id>/events   an organisation's upcoming events (hosted or co-hosted)
GET /embed/programmes/<id>/events      a programme's upcoming events
GET /embed.js                          inserts the iframe after its own <script> tag and keeps it
                                       as tall as its content (the page posts its height)

Only these pages may be framed (``frame-ancestors`` from ``EMBED_FRAME_ANCESTORS``, default ``*``,
and no ``X-Frame-Options``; see :func:`eventsapp.security.frameable`); every other page keeps
``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``.
"""

from flask import Blueprint

bp = Blueprint("embed", __name__)
