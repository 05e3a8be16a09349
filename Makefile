# The two commands of the README: `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
CMAKE_FLAGS ?=

.PHONY: all run test build deps test-deps unit clean format

all: build

deps:
	@scripts/install-deps build

test-deps:
	@scripts/install-deps test

# Leaves the binary at $(BUILD_DIR)/almanac.
build: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR)

# Starts the server on its embedded PostgreSQL in ./almanac-data, on
# http://localhost:8008 (see README "Configuration" to change either).
run: build
	./$(BUILD_DIR)/almanac serve

# Builds and runs every test: unit, integration (real server, private
# PostgreSQL), interop (litmus and real clients) and the quick start.
test: test-deps build
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 1800

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
