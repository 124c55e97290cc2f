# The wire-format pipeline: generate gen/ from the pinned opentelemetry-proto and check it has not
# drifted (`npm run generate` / `npm run check-generated` call these). Building and testing are npm
# scripts (`npm run build`, `npm test`), not make targets.
# The pinned opentelemetry-proto release is written once, in PROTO_VERSION.

PROTO_DIR     := opentelemetry-proto
PROTO_VERSION := $(shell cat PROTO_VERSION)
PROTO_PATH    := $(PROTO_DIR)/opentelemetry/proto/collector/trace/v1
BUF           := node_modules/.bin/buf
BUILD         := .build
IMAGE         := $(BUILD)/trace.binpb
CHECK_OUT     := $(BUILD)/check

.PHONY: generate check-generated check-proto-version image clean

## generate: rebuild gen/ from the pinned protos (image without source info, then protoc-gen-es)
generate: check-proto-version image
	$(BUF) generate $(IMAGE)

## image: a buf image of the trace collector protos and their imports, with no comments or licence text
image:
	@mkdir -p $(BUILD)
	$(BUF) build --exclude-source-info --path $(PROTO_PATH) -o $(IMAGE)

## check-proto-version: the submodule must be checked out at the tag named in PROTO_VERSION
check-proto-version:
	@test -d $(PROTO_DIR)/opentelemetry || { echo "opentelemetry-proto submodule is not populated (git submodule update --init)"; exit 1; }
	@actual=$$(git -C $(PROTO_DIR) describe --tags --exact-match HEAD 2>/dev/null || git -C $(PROTO_DIR) rev-parse --short HEAD); \
	if [ "$$actual" != "$(PROTO_VERSION)" ]; then \
	  echo "opentelemetry-proto submodule is at $$actual, but PROTO_VERSION pins $(PROTO_VERSION)"; exit 1; \
	fi

## check-generated: regenerate into a scratch folder and fail on any difference from gen/
check-generated: check-proto-version image
	@rm -rf $(CHECK_OUT)
	@$(BUF) generate $(IMAGE) -o $(CHECK_OUT)
	@if ! diff -r gen $(CHECK_OUT)/gen > $(BUILD)/drift.txt; then \
	  echo "gen/ is not what opentelemetry-proto $(PROTO_VERSION) generates:"; \
	  sed -n -e 's|^Only in gen\(/*[^:]*\): \(.*\)|  not generated (stray file): gen\1/\2|p' \
	         -e 's|^Only in $(CHECK_OUT)/gen\(/*[^:]*\): \(.*\)|  missing from gen/: gen\1/\2|p' \
	         -e 's|^diff -r gen/\([^ ]*\) .*|  differs from the generator output: gen/\1|p' $(BUILD)/drift.txt; \
	  echo "Run 'make generate' and commit gen/ (never edit it by hand)."; \
	  exit 1; \
	fi
	@echo "gen/ matches opentelemetry-proto $(PROTO_VERSION)"

## clean: remove the build output and the buf image
clean:
	rm -rf dist $(BUILD)
