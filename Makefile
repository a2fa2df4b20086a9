# Maillage: the two commands a new machine needs are `make run` and `make test` (see README).
# Both install what is missing (Debian packages, npm packages), build, and go on from there.
SHELL := /bin/bash
PORT ?= 8080
DEV := build/dev
REL := build/release
REFERENCE := var/reference.sqlite
JOBS ?= $(shell nproc)

.PHONY: setup build build-dev build-release build-server reference run test test-unit fuzz bench clean format tidy

setup:
	@scripts/setup.sh

$(DEV)/build.ninja: CMakeLists.txt CMakePresets.json
	cmake --preset dev >/dev/null
$(REL)/build.ninja: CMakeLists.txt CMakePresets.json
	cmake --preset release >/dev/null

build-dev: setup $(DEV)/build.ninja
	cmake --build --preset dev -j $(JOBS)
build-release: setup $(REL)/build.ninja
	cmake --build --preset release -j $(JOBS)
build: build-release
# Only the `maillage` binary (and the libraries it links), not the tests and benchmarks of the
# release preset: what `make run` and the référentiel need.
build-server: setup $(REL)/build.ninja
	cmake --build --preset release --target maillage -j $(JOBS)

# The référentiel is rebuilt only when the data packages or its builder changed.
reference: build-server
	@scripts/reference.sh $(REL)/tools/maillage/maillage $(REFERENCE)

run: build-server reference
	@scripts/run.sh $(REL)/tools/maillage/maillage $(PORT)

# Tests run on the dev build (debug + ASan/UBSan), which also builds the référentiel they check.
test: build-dev
	@scripts/reference.sh $(DEV)/tools/maillage/maillage $(REFERENCE)
	@scripts/test.sh $(DEV)

bench: build-release reference
	@scripts/bench.sh $(REL)

fuzz: setup
	@scripts/fuzz.sh

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

tidy: $(DEV)/build.ninja
	@git ls-files 'src/*.cpp' | xargs clang-tidy -p $(DEV) --quiet

clean:
	rm -rf build var/reference.sqlite test-output
