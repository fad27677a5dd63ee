.PHONY: demo test bench screenshots
demo:
	./scripts/demo
test:
	./scripts/test
bench:
	./bench/run_all.sh
screenshots:  # the browser tests, writing their PNGs into docs/screenshots/ to look at and commit
	WARDFUND_UPDATE_SCREENSHOTS=1 uv run pytest -q tests/e2e/test_email_screenshots.py tests/e2e/test_live_page.py
