from network_space import create_app

app = create_app()
