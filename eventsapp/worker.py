"""The Celery worker's entry point: ``celery -A eventsapp.worker worker --beat``.

The worker builds the Flask app from the same environment as the web servers
(``DATABASE_URL``, ``CELERY_BROKER_URL``, ``MAIL_URL`` …) and runs every task in its context.
"""

from eventsapp import create_app

flask_app = create_app()
app = flask_app.extensions["celery"]
