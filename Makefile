.PHONY: demo test bench
demo:
	./scripts/demo
test:
	./scripts/test
bench:
	./bench/run_all.sh
