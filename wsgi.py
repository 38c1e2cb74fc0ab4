from eventsapp import create_app

app = create_app()
