import gc

from network_space import create_app

app = create_app()

# The garbage collector of every process started from this module: gunicorn's workers, and the
# `flask` commands (FLASK_APP=wsgi.py), the worker among them (docs/performance.md,
# "Le ramasse-miettes, les jours fériés et current_user"). A page leaves some 450 objects in
# reference cycles (the request and its contexts, the ORM's loaded rows) that only the collector
# frees. With Python's default threshold (700) it ran about once a request, each time walking every
# object still alive, and every 500 to 1,000 requests a full collection walked the whole
# application (~240,000 objects, ~100 ms). Frozen, what start-up made (the modules, the
# application) is never walked again; a youngest generation ten times larger lets most of a
# request's objects die before a collection sees them.
gc.freeze()
gc.set_threshold(7000, 10, 10)
