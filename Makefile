# zh-search: build the wasm module + JS glue into www/pkg, serve the demo, run every test.
#   make build   cargo (wasm32, release) -> wasm-bindgen --target web -> wasm-opt -Oz; the element
#                (www/src/ bundled and minified into www/zh-search.js) -> size table
#   make serve   build, then serve www/ at http://127.0.0.1:8080
#   make test    fmt, clippy, cargo test, build, size budget, evil-corpus build, corpus-error
#                checks, node API tests, browser e2e tests, load test (short synthetic run)
#   make fuzz    cargo-fuzz targets search, snippet, decode for FUZZ_SECONDS each (default 600)
#   make load    the load test in full (100,000 queries on the seeds, a 50 MB synthetic corpus)
#   make engine  the corpus-independent engine (no index inside) -> target/engine/pkg
#   make cli     engine + the indexer CLI with it inside -> target/release/zh-search
#   make dist    cli, then write $(DIST) (default dist/) over ZH_SEARCH_SEEDS: the folder a site
#                owner copies to their server as is
#   make bench   zh-search vs Pagefind vs FlexSearch on the seeds, Tang poems and Debian's docs -> bench/RESULTS.md
#   make clean
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules --no-print-directory

export PATH := $(HOME)/.cargo/bin:$(PATH)
# The Rust build reads ZH_SEARCH_SEEDS (another seed directory) when it is set.
ifdef ZH_SEARCH_SEEDS
export ZH_SEARCH_SEEDS
endif

WASM_TARGET := wasm32-unknown-unknown
RAW_WASM    := $(or $(CARGO_TARGET_DIR),target)/$(WASM_TARGET)/wasm/zh_search.wasm
PKG         := www/pkg
PKG_TMP     := target/pkg.tmp
WASM_OPT    := node_modules/.bin/wasm-opt
# Exactly the features rustc enables by default for wasm32-unknown-unknown and records in the
# module's target_features section (all supported by current browsers); wasm-opt needs them to
# validate the module. Use binaryen from npm: Debian's binaryen 108 produces broken modules.
WASM_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
                 --enable-mutable-globals --enable-reference-types --enable-multivalue
# -Oz until nothing shrinks further; drop the custom sections browsers ignore.
# --low-memory-unused: Rust's wasm32 stack grows down to address 0 (data lies above it), so the
# lowest kilobyte is never used; wasm-opt may then fold constant offsets into loads and stores
# (the scan module: 0.8 KB smaller gzip).
WASM_OPT_FLAGS := -Oz --converge --low-memory-unused --strip-debug --strip-producers --strip-target-features
# A ratchet, not the aim: ~2.5 KB above the current seeds total (104.7 KB), so a size
# regression fails make test; lower it when the module shrinks. Transfer budgets are tracked by
# make bench.
SIZE_BUDGET_KB ?= 107
PORT ?= 8080

# The evil corpus (markup, script, javascript: links in texts, titles and a file name) gets a
# module of its own: tests/e2e/hostile.test.mjs serves it under the strict CSP. Like the fixture
# site's, it is built in the same cargo target directory as www/pkg: another ZH_SEARCH_SEEDS only
# reruns build.rs and recompiles this crate (seconds), where a target directory of its own would
# compile every dependency again (minutes on a fresh machine).
EVIL_SEEDS := tests/fixtures/evil
EVIL_DIR   := target/evil
# make test runs the load test with this many queries on the 50 MB synthetic index (make load:
# LOAD_SYNTHETIC_QUERIES, default 1,000 in tests/load.rs).
TEST_LOAD_SYNTHETIC_QUERIES ?= 200

.PHONY: build wasm element wasm-evil serve test lint fmt-check clippy cargo-test check-size \
        check-corpus-errors test-node test-e2e load fuzz bench clean dist site-pkg site-docbook-pkg \
        engine cli

build:
	scripts/ensure-tools.sh build
	$(MAKE) wasm

# Same as build without the tool check. Builds into $(PKG_TMP), then replaces $(PKG) whole.
# make bench builds other corpora through make dist with PKG=<dir> PKG_TMP=<dir> (the size table
# is only printed for www/pkg).
wasm: element
	cargo build --profile wasm --target $(WASM_TARGET) --lib --no-default-features --features embed
	$(call bindgen_opt,$(PKG_TMP))
	rm -rf $(PKG)
	mv $(PKG_TMP) $(PKG)
	$(if $(filter www/pkg,$(PKG)),scripts/size.sh)

# wasm-bindgen then wasm-opt of $(RAW_WASM) into the folder $(1), which is then checked by V8.
define bindgen_opt
	rm -rf $(1)
	wasm-bindgen --target web --out-dir $(1) $(RAW_WASM)
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(WASM_FEATURES) $(1)/zh_search_bg.wasm -o $(1)/zh_search_bg.opt.wasm
	mv $(1)/zh_search_bg.opt.wasm $(1)/zh_search_bg.wasm
	node -e 'const b = require("fs").readFileSync(process.argv[1]); if (!WebAssembly.validate(b)) { console.error("V8 rejects " + process.argv[1]); process.exit(1) }' $(1)/zh_search_bg.wasm
endef

# The corpus-independent engine, built once for every site into $(ENGINE_PKG): one module per
# index layout, each with only its layout's query code: the module of single scan-layout files
# (what the CLI writes for small sites; the JS class Index over index bytes fetched at run time),
# in grams/ the module of single gram-layout files (class Index), and in sharded/ the module of
# sharded folders (class ShardedIndex, gram layout); each glue minified by esbuild, and the
# element bundle and its worker that the CLI ships beside them (zh-search.js, whose placeholder
# the CLI replaces with the folder's file names).
ENGINE_PKG := target/engine/pkg
engine:
	rm -rf target/engine/pkg.tmp
	$(call engine_module,target/engine/pkg.tmp,scan-only)
	$(call engine_module,target/engine/pkg.tmp/grams,grams-only)
	$(call engine_module,target/engine/pkg.tmp/sharded,sharded$(,)grams-only)
	node scripts/build-element.mjs target/engine/pkg.tmp/zh-search.js
	rm -rf $(ENGINE_PKG)
	mv target/engine/pkg.tmp $(ENGINE_PKG)

, := ,
# The engine module with the cargo features $(2) (no embedded index) into the folder $(1).
define engine_module
	cargo build --profile wasm --target $(WASM_TARGET) --lib --no-default-features --features $(2)
	$(call bindgen_opt,$(1))
	$(call minify_glue,$(1))
endef

# The glue in the folder $(1), minified in place.
define minify_glue
	node_modules/.bin/esbuild --minify --format=esm --log-level=warning $(1)/zh_search.js --outfile=$(1)/zh_search.min.js
	mv $(1)/zh_search.min.js $(1)/zh_search.js
endef

# The indexer CLI, release, with the engine of make engine inside it: target/release/zh-search.
cli:
	scripts/ensure-tools.sh build
	$(MAKE) engine
	ZH_SEARCH_ENGINE_DIR=$(CURDIR)/$(ENGINE_PKG) cargo build --release -p zh-search-cli
	@echo "built target/release/zh-search (zh-search index SITE --out DIR)"

# The <zh-search> element: its modules and stylesheet in www/src/, bundled and minified by esbuild
# into www/zh-search.js (generated, not in git), which the demo and the tests use (make engine
# bundles its own copy, the one the CLI ships).
ELEMENT_SOURCES := $(wildcard www/src/*) scripts/build-element.mjs
element: www/zh-search.js
www/zh-search.js: $(ELEMENT_SOURCES)
	node scripts/build-element.mjs $@

wasm-evil:
	$(MAKE) wasm ZH_SEARCH_SEEDS=$(EVIL_SEEDS) PKG=$(EVIL_DIR)/pkg PKG_TMP=$(EVIL_DIR)/pkg.tmp

serve: build
	node tools/serve.mjs --root www --port $(PORT)

# $(DIST) (default dist/): the folder a site owner copies, written by the indexer CLI over
# ZH_SEARCH_SEEDS (default seeds/): element, hashed engine + glue + index, types, example page.
# Never touches www/pkg.
DIST ?= dist
dist: cli
	scripts/dist.sh $(DIST)

# The HTML fixture site (tests/site/) in its own package, for the browser test of page links
# (same cargo target directory as www/pkg: see EVIL_SEEDS).
SITE_PKG := target/site/pkg
site-pkg:
	ZH_SEARCH_SEEDS=tests/site $(MAKE) wasm PKG=$(SITE_PKG) PKG_TMP=target/site/pkg.tmp

# The trimmed DocBook fixture site (tests/site-docbook/), likewise, for the browser test of
# results grouped by page (tests/e2e/pages.test.mjs).
site-docbook-pkg:
	ZH_SEARCH_SEEDS=tests/site-docbook $(MAKE) wasm PKG=target/site-docbook/pkg PKG_TMP=target/site-docbook/pkg.tmp

test:
	scripts/ensure-tools.sh test
	$(MAKE) lint
	$(MAKE) cargo-test
	$(MAKE) wasm
	$(MAKE) check-size
	$(MAKE) site-pkg
	$(MAKE) site-docbook-pkg
	$(MAKE) wasm-evil
	$(MAKE) check-corpus-errors
	$(MAKE) cli
	$(MAKE) test-node
	$(MAKE) test-e2e
	$(MAKE) load LOAD_SYNTHETIC_QUERIES=$(TEST_LOAD_SYNTHETIC_QUERIES)

lint: fmt-check clippy

fmt-check:
	cargo fmt --all --check
	cargo fmt --check --manifest-path fuzz/Cargo.toml

# The wasm builds are checked in the wasm profile: their build script's dependencies (the
# indexer, for embed) are then compiled once, for this and for make wasm, instead of once more
# in the dev profile (about two minutes of make test on a fresh clone).
clippy:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --profile wasm --target wasm32-unknown-unknown --lib --no-default-features --features embed -- -D warnings
	cargo clippy --profile wasm --target wasm32-unknown-unknown --lib -- -D warnings
	cargo clippy --profile wasm --target wasm32-unknown-unknown --lib --no-default-features --features scan-only -- -D warnings
	cargo clippy --profile wasm --target wasm32-unknown-unknown --lib --no-default-features --features sharded,grams-only -- -D warnings

cargo-test:
	cargo test --workspace

check-size:
	scripts/check-size.sh $(SIZE_BUDGET_KB)

test-node:
	node --test tests/node/

test-e2e: element
	node --test --test-concurrency=1 tests/e2e/

# build.rs must stop on bad corpora with a message naming the file (runs the build script of
# the evil-corpus build directly).
check-corpus-errors:
	scripts/check-corpus-errors.sh

# Optimised (release, whose dependencies make cli has compiled already): a 50 MB corpus build at
# opt-level 0 takes many minutes. Figures: target/load.txt.
load:
	cargo test --release --test load -- --ignored --nocapture --test-threads=1

# Coverage-guided fuzzing (cargo-fuzz, libFuzzer, stable toolchain): FUZZ_SECONDS per target
# (default 600), FUZZ_TARGETS (default: search snippet decode). Installs cargo-fuzz if missing.
# Summaries: target/fuzz-summary.txt. Not part of make test (10 minutes per target).
FUZZ_TARGETS ?= search snippet decode
fuzz:
	scripts/fuzz.sh $(FUZZ_TARGETS)

# Installs the peers into bench/node_modules (never the root's), builds every engine per corpus
# under bench/work/, writes bench/RESULTS.md. BENCH_CORPORA picks a subset.
BENCH_CORPORA ?= seeds poems-1k poems-10k poems-57k debian
bench:
	scripts/ensure-tools.sh test
	bench/setup.sh
	node bench/bench.mjs $(BENCH_CORPORA)
	@# The sharded layout answers as the single file does on a large real corpus (the bench's
	@# 10,000 poems and its query list): tests/sharded.rs's ignored test.
	if [[ -d bench/work/poems-10k/corpus ]]; then \
	  ZH_SEARCH_EQUIVALENCE_CORPUS=bench/work/poems-10k/corpus ZH_SEARCH_EQUIVALENCE_QUERIES=bench/poem-queries.txt \
	    cargo test --release --test sharded -- --ignored; fi

clean:
	rm -rf $(PKG) $(PKG_TMP) www/zh-search.js target/size.txt target/e2e target/site target/site-docbook target/engine dist
	cargo clean
	rm -rf fuzz/target
