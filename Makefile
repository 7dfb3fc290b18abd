# alibabacloud.sae developer commands. Everything runs from a virtualenv this Makefile creates.
#   make demo   start the local SAE emulator and run the example playbook twice (changed, then ok)
#   make test   every test and check (pytest, ansible-test sanity, ansible-lint, docs and changelog lints, build)
#   make bench  the performance benchmarks (docs/performance.md)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
BUILD := $(CURDIR)/.build
COLLECTION_TREE := $(BUILD)/tree/ansible_collections/alibabacloud/sae
ANSIBLE_TEST_PIP_CACHE := $(HOME)/.ansible/test/cache/get_pip_24_2.py
export ANSIBLE_COLLECTIONS_PATH := $(BUILD)/collections
export ANSIBLE_NOCOLOR := 1
export ANSIBLE_HOME := $(BUILD)/ansible-home

.PHONY: all venv collection-link test pytest sanity lint docs-lint changelog-lint build-check demo bench clean

all: test

$(VENV)/.installed: requirements.txt requirements-test.txt constraints-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt -c constraints-test.txt
	touch $@

venv: $(VENV)/.installed

# The collection, reachable as alibabacloud.sae for ansible-playbook, ansible-doc and imports.
$(ANSIBLE_COLLECTIONS_PATH)/ansible_collections/alibabacloud/sae:
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

collection-link: $(ANSIBLE_COLLECTIONS_PATH)/ansible_collections/alibabacloud/sae

test: venv collection-link pytest sanity lint changelog-lint docs-lint build-check
	@echo "make test: all checks passed"

pytest: venv collection-link
	$(BIN)/pytest -p no:cacheprovider -n 2 tests

# ansible-test needs the tree laid out as ansible_collections/<namespace>/<name>. The tree is a copy of
# the files git would see (tracked, and untracked but not ignored), kept in a git repository of its own
# because ansible-test lists files through git; its tests/output (the sanity virtualenvs) is kept
# between runs.
sanity: venv
	mkdir -p $(dir $(ANSIBLE_TEST_PIP_CACHE)) $(COLLECTION_TREE)/tests
	cp hacking/get_pip_offline.py $(ANSIBLE_TEST_PIP_CACHE)
	find $(COLLECTION_TREE) -mindepth 1 -maxdepth 1 ! -name tests ! -name .git -exec rm -rf {} +
	find $(COLLECTION_TREE)/tests -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} +
	git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C $(COLLECTION_TREE)
	cd $(COLLECTION_TREE) && git init -q && git add -A
	cd $(COLLECTION_TREE) && PATH=$(BIN):$$PATH $(BIN)/ansible-test sanity --venv --python 3.11 --color no
	@if [ -n "$$(cat tests/sanity/ignore-*.txt 2>/dev/null)" ]; then echo "tests/sanity/ignore-*.txt must stay empty"; exit 1; fi

lint: venv collection-link
	PATH=$(BIN):$$PATH $(BIN)/ansible-lint --profile production --offline

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

docs-lint: venv collection-link
	PATH=$(BIN):$$PATH $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --skip-rstcheck $(ANSIBLE_COLLECTIONS_PATH)/ansible_collections/alibabacloud/sae

# The collection builds into a tarball that installs and whose modules render with ansible-doc.
build-check: venv
	rm -rf $(BUILD)/dist $(BUILD)/installed
	$(BIN)/ansible-galaxy collection build --output-path $(BUILD)/dist .
	ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed $(BIN)/ansible-galaxy collection install --offline -p $(BUILD)/installed $(BUILD)/dist/alibabacloud-sae-*.tar.gz
	for module in sae_ingress sae_ingress_info; do \
		ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed $(BIN)/ansible-doc alibabacloud.sae.$$module | grep -q '^OPTIONS' \
			|| { echo "ansible-doc cannot render $$module from the built tarball"; exit 1; }; \
	done

demo: venv collection-link
	PATH=$(BIN):$$PATH $(BIN)/python hacking/demo.py

bench: venv collection-link
	PATH=$(BIN):$$PATH $(BIN)/python tests/benchmarks/run.py

clean:
	rm -rf $(BUILD) $(VENV)
