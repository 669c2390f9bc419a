import gc

from network_space import create_app

app = create_app()

# The serving processes' garbage collector (docs/performance.md, "Le ramasse-miettes"). A page
# leaves some 450 objects in reference cycles (the request and its context, the ORM's loaded rows)
# that only the collector frees. With Python's default threshold (700) it runs about once a
# request, each time walking every object still alive, and every ~1,000 requests a full
# collection walks the whole application (~240,000 objects, ~90 ms). Frozen, the objects made at
# start-up (modules, compiled templates and statements) are never walked again; a youngest
# generation ten times larger lets most of a request's objects die before a collection sees them.
gc.freeze()
gc.set_threshold(7000, 10, 10)
