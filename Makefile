# The generated-code pipeline: generate gen/ from the pinned opentelemetry-proto and the pinned
# opentelemetry-configuration schema, and check it has not drifted (`npm run generate` /
# `npm run check-generated` call these). Building and testing are npm scripts (`npm run build`,
# `npm test`), not make targets.
# The pinned opentelemetry-proto release is written once, in PROTO_VERSION; the pinned
# opentelemetry-configuration release (the declarative configuration schema), in CONFIG_SCHEMA_VERSION.

PROTO_DIR     := opentelemetry-proto
PROTO_VERSION := $(shell cat PROTO_VERSION)
PROTO_PATH    := $(PROTO_DIR)/opentelemetry/proto/collector/trace/v1
BUF           := node_modules/.bin/buf
BUILD         := .build
IMAGE         := $(BUILD)/trace.binpb
CHECK_OUT     ?= $(BUILD)/check
# The folder check-generated compares (a test points it at a scratch copy).
GEN_DIR       ?= gen
CONFIG_DIR    := opentelemetry-configuration
CONFIG_VERSION := $(shell cat CONFIG_SCHEMA_VERSION)
CONFIG_SCHEMA := $(CONFIG_DIR)/opentelemetry_configuration.json
CONFIG_GEN    := node scripts/generate-configuration-schema.mjs $(CONFIG_SCHEMA) $(CONFIG_VERSION)

.PHONY: generate check-generated check-proto-generated check-config-generated check-proto-version check-config-version image clean

## generate: rebuild gen/ from the pinned protos (image without source info, then protoc-gen-es) and
## gen/opentelemetry-configuration/ from the pinned configuration schema
generate: check-proto-version check-config-version image
	$(BUF) generate $(IMAGE)
	$(CONFIG_GEN) gen/opentelemetry-configuration

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

## check-config-version: the configuration submodule must be checked out at the tag in CONFIG_SCHEMA_VERSION
check-config-version:
	@test -f $(CONFIG_SCHEMA) || { echo "opentelemetry-configuration submodule is not populated (git submodule update --init)"; exit 1; }
	@actual=$$(git -C $(CONFIG_DIR) describe --tags --exact-match HEAD 2>/dev/null || git -C $(CONFIG_DIR) rev-parse --short HEAD); \
	if [ "$$actual" != "$(CONFIG_VERSION)" ]; then \
	  echo "opentelemetry-configuration submodule is at $$actual, but CONFIG_SCHEMA_VERSION pins $(CONFIG_VERSION)"; exit 1; \
	fi

## check-generated: regenerate into a scratch folder and fail on any difference from gen/ (both parts)
check-generated: check-proto-generated check-config-generated
	@echo "gen/ matches opentelemetry-proto $(PROTO_VERSION) and opentelemetry-configuration $(CONFIG_VERSION)"

# drift-report <committed folder> <generated folder> <its name under gen/> <what>: compare the two
# (extra diff arguments in DIFF_ARGS), name every difference, fail.
define drift-report
	@if ! diff -r $(DIFF_ARGS) $(1) $(2) > $(CHECK_OUT)/drift.txt; then \
	  echo "gen/ is not what $(4) generates:"; \
	  sed -n -e 's|^Only in $(1)\(/*[^:]*\): \(.*\)|  not generated (stray file): $(3)\1/\2|p' \
	         -e 's|^Only in $(2)\(/*[^:]*\): \(.*\)|  missing from gen/: $(3)\1/\2|p' \
	         -e 's|^diff -r .*$(1)/\([^ ]*\) .*|  differs from the generator output: $(3)/\1|p' $(CHECK_OUT)/drift.txt; \
	  echo "Run 'make generate' and commit gen/ (never edit it by hand)."; \
	  exit 1; \
	fi
endef

## check-proto-generated: everything in gen/ but opentelemetry-configuration/ against the pinned protos
check-proto-generated: DIFF_ARGS = -x opentelemetry-configuration
check-proto-generated: check-proto-version image
	@rm -rf $(CHECK_OUT)/proto && mkdir -p $(CHECK_OUT)/proto
	@$(BUF) generate $(IMAGE) -o $(CHECK_OUT)/proto
	$(call drift-report,$(GEN_DIR),$(CHECK_OUT)/proto/gen,gen,opentelemetry-proto $(PROTO_VERSION))

## check-config-generated: gen/opentelemetry-configuration/ against the pinned configuration schema
check-config-generated: check-config-version
	@rm -rf $(CHECK_OUT)/config && mkdir -p $(CHECK_OUT)/config
	@$(CONFIG_GEN) $(CHECK_OUT)/config/opentelemetry-configuration
	$(call drift-report,$(GEN_DIR)/opentelemetry-configuration,$(CHECK_OUT)/config/opentelemetry-configuration,gen/opentelemetry-configuration,opentelemetry-configuration $(CONFIG_VERSION))

## clean: remove the build output and the buf image
clean:
	rm -rf dist $(BUILD)
