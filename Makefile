# Shortcuts for people who have make; everything is done by ./dev (which needs no make).
# Extra arguments: make test ARGS="-k demo", make run ARGS="--port 8001",
# make bench ARGS="orders --orders 500" (one benchmark only).

ARGS ?=

.PHONY: run test lint bench

run:
	./dev run $(ARGS)

test:
	./dev test $(ARGS)

lint:
	./dev lint

bench:
	./dev bench $(ARGS)
