# Builds the offline GraphiQL bundle that package playground embeds
# (playground/dist/playground.{js,css}, git-ignored). Include from the
# top-level Makefile; paths are relative to the repository root. Needs Node.js
# and npm; without the bundle, go build still works and the page says how to
# build it.

PLAYGROUND_WEB    := playground/web
PLAYGROUND_INPUTS := $(PLAYGROUND_WEB)/package.json $(PLAYGROUND_WEB)/build.mjs \
                     $(wildcard $(PLAYGROUND_WEB)/src/*)
# npm ci rewrites node_modules/.package-lock.json, so it marks an install of
# the current lock file: reinstall only when the lock changes.
PLAYGROUND_MODULES := $(PLAYGROUND_WEB)/node_modules/.package-lock.json

.PHONY: playground playground-clean

playground: playground/dist/playground.js playground/dist/playground.css

# A pattern rule with two targets runs once for both files.
playground/dist/%.js playground/dist/%.css: $(PLAYGROUND_INPUTS) $(PLAYGROUND_MODULES)
	cd $(PLAYGROUND_WEB) && npm run build

# --ignore-scripts: no dependency needs an install script (esbuild finds its
# binary through its optional platform package), so none may run.
$(PLAYGROUND_MODULES): $(PLAYGROUND_WEB)/package-lock.json $(PLAYGROUND_WEB)/package.json
	cd $(PLAYGROUND_WEB) && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

playground-clean:
	rm -rf $(PLAYGROUND_WEB)/node_modules playground/dist/playground.js playground/dist/playground.css
