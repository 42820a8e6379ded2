# monitor.mk - the weekly cron job: new records, drift, retrain on drift
#
# One run (the default target, `run`) under an exclusive lock:
#
#   1. fetch     the records newer than the last run into STATE/batch/
#                (SOURCE=inbox: the *.jsonl files of INBOX modified after
#                the watermark, names without spaces; SOURCE=obis: mare-fetch obis from the day
#                after the last run's end date to UNTIL; SOURCE=command:
#                the shell command FETCH, with $SINCE and $UNTIL set,
#                writing records to standard output)
#   2. validate  mare-validate; rejects in STATE/batch/rejects.jsonl
#   3. drift     the layers sampled at the new records (mare-featurize)
#                against the current model's profile (mare-drift, exit 1
#                on drift); on drift, the alert: a PagerDuty event to
#                ALERT_URL (mare-drift --alert-url) and/or the shell
#                command ALERT_CMD with the verdict on standard input
#   4. retrain   only on drift (or when there is no model yet): every
#                record kept so far plus the new ones, featurized and
#                trained into STATE/batch/model.json; the current model
#                stays in place until the new one is complete and is then
#                replaced with one rename (the old one is kept in
#                STATE/models/)
#   5. commit    the new records appended to STATE/records.jsonl, the
#                watermark advanced, one line appended to STATE/monitor.log
#
# A run that fails anywhere commits nothing: the model, the records and
# the watermark stay as they were, and the next run takes the same batch
# again. Two runs never overlap: the second finds the lock (flock -n on
# STATE/lock) held, says so and exits 0 without touching anything.
#
# Variables (defaults in brackets):
#   STATE        folder of the model, the records, the watermark, the lock
#                and the log [monitor-state]
#   MODEL        the current model [STATE/model.json]
#   SOURCE       inbox, obis or command [inbox]
#   INBOX        folder where batches of records (*.jsonl) arrive [inbox]
#   TAXON        scientific name for SOURCE=obis
#   FETCH_FLAGS  more mare-fetch options, e.g. --bbox -84,20,-74,27
#   FETCH        the command of SOURCE=command
#   SINCE        start date of the first obis fetch [1900-01-01]
#   UNTIL        end date of this run's obis fetch [today, UTC]
#   LAYERS       the environmental layers [the bundled present-day stack]
#   BACKGROUND, FEATURES, CV, SEED, TRAIN_FLAGS  for retraining
#                [10000, default, 5, 1, none]
#   DRIFT_FLAGS  more mare-drift options, e.g. --share 0.3
#   ALERT_URL    PagerDuty Events v2 endpoint (key in
#                $MARE_DRIFT_ROUTING_KEY)
#   ALERT_CMD    shell command run on drift, the verdict on its stdin
#   METRICS_DIR  node_exporter textfile folder for mare_drift_*.prom
#   MARE_BIN     folder of the mare-* programs [PATH]
#
# Crontab example (every Monday at 03:17; a run still going next Monday
# makes the new one skip):
#
#   17 3 * * 1  cd /srv/sdm && make -s -f /usr/share/mare/pipelines/monitor.mk \
#       STATE=/srv/sdm/lionfish SOURCE=obis TAXON='Pterois volitans' \
#       FETCH_FLAGS='--bbox -84,20,-74,27' LAYERS=/srv/sdm/layers \
#       ALERT_CMD='mail -s "lionfish: drift" sdm@lab.example' \
#       METRICS_DIR=/var/lib/prometheus/node-exporter >>/srv/sdm/cron.log 2>&1
#
# Other targets: status (the model, the watermark and the log's last
# lines), clean-batch. SPDX-License-Identifier: MIT

MONITOR_MK := $(abspath $(lastword $(MAKEFILE_LIST)))
MONITOR_DIR := $(dir $(MONITOR_MK))

.DELETE_ON_ERROR:
.SUFFIXES:

STATE ?= monitor-state
MODEL ?= $(STATE)/model.json
LOCK ?= $(STATE)/lock
SOURCE ?= inbox
INBOX ?= inbox
TAXON ?=
FETCH_FLAGS ?=
FETCH ?=
SINCE ?= 1900-01-01
UNTIL ?= $(shell date -u +%F)
LAYERS ?= $(firstword $(patsubst %/,%,$(dir $(wildcard \
    $(MONITOR_DIR)data/layers/present/*.asc))) $(MONITOR_DIR)data/layers)
BACKGROUND ?= 10000
FEATURES ?= default
CV ?= 5
SEED ?= 1
TRAIN_FLAGS ?=
DRIFT_FLAGS ?=
ALERT_URL ?=
ALERT_CMD ?=
METRICS_DIR ?=
MARE_BIN ?=

mare = $(if $(MARE_BIN),$(MARE_BIN)/,)mare-$(1)
MARE_FETCH ?= $(call mare,fetch)
MARE_VALIDATE ?= $(call mare,validate)
MARE_FEATURIZE ?= $(call mare,featurize)
MARE_DRIFT ?= $(call mare,drift)
MARE_TRAIN ?= $(call mare,train)
BATCH = $(STATE)/batch
say = echo 'monitor:'

run:
	@mkdir -p '$(STATE)'
	@flock -n -E 75 '$(LOCK)' $(MAKE) --no-print-directory \
	  -f '$(MONITOR_MK)' cycle UNTIL='$(UNTIL)'; s=$$?; \
	if [ $$s -eq 75 ]; then \
	  echo "monitor: $(LOCK) is held by another run; skipping this one" >&2; \
	  exit 0; \
	fi; exit $$s

# Under the lock: a fresh batch, then its chain.
cycle:
	@rm -rf '$(BATCH)' && mkdir -p '$(BATCH)'
	@$(MAKE) --no-print-directory -f '$(MONITOR_MK)' commit

# 1. The records newer than the last run; BATCH/watermark becomes the
# watermark when the run commits.
$(BATCH)/new.jsonl:
ifeq ($(SOURCE),inbox)
	@set -e; \
	if [ -e '$(STATE)/watermark' ]; then \
	  files=$$(find '$(INBOX)' -maxdepth 1 -type f -name '*.jsonl' \
	    -newer '$(STATE)/watermark' | LC_ALL=C sort); \
	else \
	  files=$$(find '$(INBOX)' -maxdepth 1 -type f -name '*.jsonl' | \
	    LC_ALL=C sort); \
	fi; \
	: >$@.tmp; \
	if [ -n "$$files" ]; then \
	  cat $$files >$@.tmp; \
	  touch -r "$$(ls -t $$files | head -n 1)" $(BATCH)/watermark; \
	fi; \
	echo "$$files" | sed '/^$$/d; s/^/  batch: /'; \
	mv $@.tmp $@
else ifeq ($(SOURCE),obis)
	@set -e; since='$(SINCE)'; \
	if [ -s '$(STATE)/watermark' ]; then \
	  since=$$(date -u -d "$$(cat '$(STATE)/watermark') + 1 day" +%F); \
	fi; \
	$(say) "fetching OBIS records of $(TAXON) from $$since to $(UNTIL)"; \
	$(MARE_FETCH) obis --taxon '$(TAXON)' --start-date "$$since" \
	  --end-date '$(UNTIL)' $(FETCH_FLAGS) -q -o $@; \
	echo '$(UNTIL)' >$(BATCH)/watermark
else ifeq ($(SOURCE),command)
	@set -e; SINCE='$(SINCE)'; \
	if [ -s '$(STATE)/watermark' ]; then SINCE=$$(cat '$(STATE)/watermark'); fi; \
	UNTIL='$(UNTIL)'; export SINCE UNTIL; \
	{ $(FETCH); } >$@.tmp; mv $@.tmp $@; \
	echo '$(UNTIL)' >$(BATCH)/watermark
else
	@echo "monitor: SOURCE=$(SOURCE): not inbox, obis or command" >&2; exit 64
endif

# 2. Validation.
$(BATCH)/valid.jsonl: $(BATCH)/new.jsonl
	@$(MARE_VALIDATE) -q -R $(BATCH)/rejects.jsonl \
	  --summary $(BATCH)/validation.json -o $@ $<
	@$(say) "$$(grep -c '' $<) new records, $$(grep -c '' $@) valid"

# 3. Drift of the new records against the current model: BATCH/verdict
# holds empty, initial (no model yet), none or drift.
$(BATCH)/verdict: $(BATCH)/valid.jsonl
	@set -e; \
	if [ ! -s $< ]; then echo empty >$@.tmp; \
	elif [ ! -e '$(MODEL)' ]; then echo initial >$@.tmp; \
	else \
	  $(MARE_FEATURIZE) -q --layers '$(LAYERS)' --features l \
	    --background 0 --no-add-presences -o $(BATCH)/current.tensor $<; \
	  s=0; $(MARE_DRIFT) -q --reference '$(MODEL)' $(DRIFT_FLAGS) \
	    $(if $(ALERT_URL),--alert-url '$(ALERT_URL)') \
	    $(if $(METRICS_DIR),--metrics-file '$(METRICS_DIR)/mare_drift.prom') \
	    -o $(BATCH)/drift.json $(BATCH)/current.tensor || s=$$?; \
	  case $$s in \
	  0) echo none >$@.tmp ;; \
	  1) echo drift >$@.tmp ;; \
	  *) exit $$s ;; \
	  esac; \
	fi; \
	mv $@.tmp $@
	@case $$(cat $@) in \
	empty) $(say) "no new records" ;; \
	initial) $(say) "no model yet: training the first one" ;; \
	none) $(say) "no drift against $(MODEL)" ;; \
	drift) $(say) "DRIFT against $(MODEL): retraining"; \
	  $(if $(ALERT_CMD),{ $(ALERT_CMD); } <$(BATCH)/drift.json || \
	    echo "monitor: ALERT_CMD failed" >&2,:) ;; \
	esac

# 4. Retraining, only on drift or without a model: the new model is built
# in the batch; the current one is untouched.
$(BATCH)/retrained: $(BATCH)/verdict
	@set -e; \
	case $$(cat $<) in \
	drift|initial) \
	  cat $(wildcard $(STATE)/records.jsonl) $(BATCH)/valid.jsonl \
	    >$(BATCH)/records.jsonl; \
	  $(MARE_FEATURIZE) -q --layers '$(LAYERS)' --features l \
	    --background $(BACKGROUND) --seed $(SEED) \
	    -R $(BATCH)/featurize-rejects.jsonl -o $(BATCH)/train.tensor \
	    $(BATCH)/records.jsonl; \
	  $(MARE_TRAIN) -q -m maxent --features $(FEATURES) --cv $(CV) \
	    --seed $(SEED) $(TRAIN_FLAGS) -o $(BATCH)/model.json \
	    $(BATCH)/train.tensor; \
	  echo yes >$@ ;; \
	*) echo no >$@ ;; \
	esac

# 5. Commit: the model by one rename next to it (a copy first, so MODEL may
# be on another file system; the old one archived first), the
# records, the watermark, the log line.
commit: $(BATCH)/retrained
	@set -e; now=$$(date -u +%Y-%m-%dT%H:%M:%SZ); \
	if [ "$$(cat $<)" = yes ]; then \
	  if [ -e '$(MODEL)' ]; then \
	    mkdir -p '$(STATE)/models'; \
	    cp -p '$(MODEL)' "$(STATE)/models/model-$$now.json"; \
	  fi; \
	  cp $(BATCH)/model.json '$(MODEL).tmp'; \
	  mv '$(MODEL).tmp' '$(MODEL)'; \
	  $(say) "new model in $(MODEL)"; \
	fi; \
	if [ -s $(BATCH)/valid.jsonl ]; then \
	  cat $(wildcard $(STATE)/records.jsonl) $(BATCH)/valid.jsonl \
	    >'$(STATE)/.records.jsonl.tmp'; \
	  mv '$(STATE)/.records.jsonl.tmp' '$(STATE)/records.jsonl'; \
	fi; \
	if [ -e $(BATCH)/watermark ]; then \
	  mv $(BATCH)/watermark '$(STATE)/watermark'; \
	fi; \
	printf '%s\tnew=%s\tvalid=%s\tverdict=%s\tretrained=%s\n' "$$now" \
	  "$$(grep -c '' $(BATCH)/new.jsonl)" \
	  "$$(grep -c '' $(BATCH)/valid.jsonl)" \
	  "$$(cat $(BATCH)/verdict)" "$$(cat $<)" >>'$(STATE)/monitor.log'

status:
	@echo "model: $(MODEL)"; ls -l '$(MODEL)' 2>/dev/null || echo "  (none yet)"
	@if [ -e '$(STATE)/watermark' ]; then \
	  echo "watermark: $$(date -u -r '$(STATE)/watermark' +%FT%TZ) $$(cat '$(STATE)/watermark')"; \
	fi
	@tail -n 5 '$(STATE)/monitor.log' 2>/dev/null || true

clean-batch:
	flock -n '$(LOCK)' rm -rf '$(BATCH)'

.PHONY: run cycle commit status clean-batch
