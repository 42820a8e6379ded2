# sdm.mk - one species end to end: fetch, validate, featurize, train,
# predict, project, drift, report
#
# Usage: make -f pipelines/sdm.mk [STEP] [VARIABLE=value ...]
#
# The default run is the README's demo, offline on bundled real data: the
# 2015 OBIS export of red lionfish (Pterois volitans) records, the
# Florida-Bahamas crop of the present-day layers, and the same layers under
# RCP8.5 for 2070-2080 (pipelines/data, see the READMEs there).
#
# Steps, each a phony target that stops there (`make -f sdm.mk train`):
#   fetch      SOURCE -> records.jsonl (mare-fetch FETCH; rows that cannot
#              become records -> fetch-rejects.jsonl)
#   validate   records.jsonl -> valid.jsonl, rejects.jsonl, validation.json
#              (built-in checks plus rules.json: SPECIES only, inside REGION)
#   featurize  valid.jsonl + LAYERS -> train.tensor (one presence per cell,
#              every valid cell as background), spec.json,
#              featurize-rejects.jsonl
#   train      train.tensor -> model.json (MaxEnt, CV-fold cross-validation,
#              FEATURES, REGMULT)
#   predict    model.json + LAYERS -> present.asc; + FUTURE -> future.asc
#   drift      FUTURE's values at every cell (future-env.tensor) against the
#              model's training profile -> drift.json
#   report     report.html and report.txt
#
# Variables (defaults in brackets):
#   SPECIES    scientific name kept [Pterois volitans]
#   SOURCE     the records file [bundled OBIS export, CSV]
#   FETCH      mare-fetch source type for SOURCE: csv or dwca [csv]
#   FETCH_FLAGS  mare-fetch options [the column mapping of the old OBIS
#              export]
#   LAYERS     folder of present-day .asc layers [pipelines/data/layers/present]
#   FUTURE     folder of the same layers, same file names, projected
#              [pipelines/data/layers/rcp85-2075]
#   REGION     west,south,east,north in degrees [the layers' extent]
#   FEATURES   MaxEnt feature classes: default or letters of lqpht [default]
#   REGMULT    regularisation multiplier, when TUNE is empty [1]
#   TUNE       mare-train --tune grid, cells chosen by cross-validated AUC
#              and refitted on all rows; empty: one fit with FEATURES and
#              REGMULT [regmult=0.5,1,2]
#   CV         cross-validation folds [5]
#   SEED       seed of every random choice [1]
#   TITLE      the report's title
#   OUT        output folder [sdm-out]
#   DATA       folder of the bundled data [pipelines/data beside this file]
#   MARE_BIN   folder of the mare-* programs [empty: from PATH]; each step
#              then also depends on its program
#   V          V=1 shows the commands run
#
# Every intermediate is a named file under $(OUT)/. A parameter is kept in
# $(OUT)/.param-NAME, rewritten only when its value changes, and the steps
# that use it depend on that file: changing REGMULT retrains and
# re-reports but neither refetches nor re-featurizes. The commands run
# inside $(OUT) with absolute paths to the data, so two output folders get
# byte-identical artifacts when SOURCE_DATE_EPOCH is set. Every artifact
# records its command and its inputs' SHA-256; `mare lineage
# $(OUT)/report.html` prints the chain back to the data.
#
# Example: make -f pipelines/sdm.mk MARE_BIN=. OUT=/tmp/lf REGMULT=2 train
#
# Needs GNU make 4.3 or later ($(file <), a grouped target &:).
#
# SPDX-License-Identifier: MIT

.DELETE_ON_ERROR:
.SUFFIXES:

SDM_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
DATA ?= $(SDM_DIR)/data

SPECIES ?= Pterois volitans
SOURCE ?= $(DATA)/lionfish/obis_export_2015_pterois_volitans_lionfish.csv
FETCH ?= csv
# The 2015 OBIS export names its columns its own way; its one-letter
# basisofrecord codes are not Darwin Core's vocabulary, so they are kept
# under another key.
FETCH_FLAGS ?= --map id=occurrenceID --map sname=scientificName \
	--map latitude=decimalLatitude --map longitude=decimalLongitude \
	--map datecollected=eventDate --map basisofrecord=obisBasisOfRecord
LAYERS ?= $(DATA)/layers/present
FUTURE ?= $(DATA)/layers/rcp85-2075
REGION ?= -83.96,19.99,-74.00,26.96
FEATURES ?= default
REGMULT ?= 1
TUNE ?= regmult=0.5,1,2
CV ?= 5
SEED ?= 1
TITLE ?= $(SPECIES): habitat today and under RCP8.5 (2070-2080)
OUT ?= sdm-out
MARE_BIN ?=

# Commands run inside $(OUT): every path outside it is made absolute.
bin = $(if $(MARE_BIN),$(abspath $(MARE_BIN))/,)mare-$(1)
MARE_FETCH = $(call bin,fetch)
MARE_VALIDATE = $(call bin,validate)
MARE_FEATURIZE = $(call bin,featurize)
MARE_TRAIN = $(call bin,train)
MARE_PREDICT = $(call bin,predict)
MARE_DRIFT = $(call bin,drift)
MARE_REPORT = $(call bin,report)
# With MARE_BIN, each step also depends on its program: rebuilding mare
# reruns what the rebuilt programs made.
dep = $(if $(MARE_BIN),$(abspath $(MARE_BIN))/mare-$(1))
A_SOURCE = $(abspath $(SOURCE))
A_LAYERS = $(abspath $(LAYERS))
A_FUTURE = $(abspath $(FUTURE))

Q = $(if $(filter 1,$(V)),,@)
step = @printf 'sdm: %-9s %s\n' '$(1)' '$(2)'
# Single quotes for the shell.
sq = '$(subst ','\'',$(1))'
comma := ,
region = $(word $(1),$(subst $(comma), ,$(REGION)))

# Parameter stamps: written at parse time, and only when a value changed,
# so that their dates say when the parameter last changed (make -n and
# make -q see the same).
PARAMS = SPECIES SOURCE FETCH FETCH_FLAGS LAYERS FUTURE REGION FEATURES \
	REGMULT TUNE CV SEED TITLE
P = $(OUT)/.param-
# (the file's name takes part in the test so that an empty value still
# gets its stamp file)
define param_stamp
ifneq ($$(wildcard $(P)$(1))$$(file <$(P)$(1)),$(P)$(1)$$($(1)))
$$(file >$(P)$(1),$$($(1)))
endif
endef
ifeq ($(filter clean,$(MAKECMDGOALS)),)
$(shell mkdir -p '$(OUT)')
$(foreach p,$(PARAMS),$(eval $(call param_stamp,$(p))))
endif

LAYER_FILES = $(sort $(wildcard $(LAYERS)/*.asc $(LAYERS)/*.asc.gz))
FUTURE_FILES = $(sort $(wildcard $(FUTURE)/*.asc $(FUTURE)/*.asc.gz))

all: report
	@printf 'sdm: the report is %s/report.html\n' '$(OUT)'

fetch: $(OUT)/records.jsonl
validate: $(OUT)/valid.jsonl $(OUT)/validation.json
featurize: $(OUT)/train.tensor $(OUT)/spec.json
train: $(OUT)/model.json
predict: $(OUT)/present.asc $(OUT)/future.asc
drift: $(OUT)/drift.json
report: $(OUT)/report.html $(OUT)/report.txt

$(OUT)/records.jsonl: $(SOURCE) $(P)SOURCE $(P)FETCH $(P)FETCH_FLAGS \
    $(call dep,fetch)
	$(call step,fetch,$(notdir $(SOURCE)) -> records.jsonl)
	$(Q)cd '$(OUT)' && $(MARE_FETCH) $(FETCH) -q $(FETCH_FLAGS) \
	  -R fetch-rejects.jsonl -o records.jsonl $(call sq,$(A_SOURCE))

$(OUT)/rules.json: $(P)SPECIES $(P)REGION
	$(Q)printf '%s\n' '{"expectations": [' \
	  '{"expectation_type": "expect_column_values_to_be_in_set", "kwargs": {"column": "scientificName", "value_set": [$(subst ','\'',"$(SPECIES)")]}},' \
	  '{"expectation_type": "expect_column_values_to_be_between", "kwargs": {"column": "decimalLongitude", "min_value": $(call region,1), "max_value": $(call region,3)}},' \
	  '{"expectation_type": "expect_column_values_to_be_between", "kwargs": {"column": "decimalLatitude", "min_value": $(call region,2), "max_value": $(call region,4)}}' \
	  ']}' >$@

# A command that writes several files has one target; the others are its
# companions, touched after it so that they are never older (make 4.3's
# grouped targets are not followed by make -n).
$(OUT)/valid.jsonl: $(OUT)/records.jsonl $(OUT)/rules.json \
    $(call dep,validate)
	$(call step,validate,records.jsonl -> valid.jsonl$(comma) rejects.jsonl$(comma) validation.json)
	$(Q)cd '$(OUT)' && $(MARE_VALIDATE) -q --rules rules.json \
	  -R rejects.jsonl --summary validation.json -o valid.jsonl \
	  records.jsonl && touch rejects.jsonl validation.json
$(OUT)/rejects.jsonl $(OUT)/validation.json: $(OUT)/valid.jsonl ;

$(OUT)/train.tensor: $(OUT)/valid.jsonl $(LAYER_FILES) $(P)LAYERS $(P)SEED \
    $(call dep,featurize)
	$(call step,featurize,valid.jsonl + layers $(notdir $(LAYERS))/ -> train.tensor$(comma) spec.json)
	$(Q)cd '$(OUT)' && $(MARE_FEATURIZE) -q --layers $(call sq,$(A_LAYERS)) \
	  --features l --seed $(SEED) -R featurize-rejects.jsonl \
	  --spec-out spec.json -o train.tensor valid.jsonl && \
	  touch featurize-rejects.jsonl spec.json
$(OUT)/spec.json: $(OUT)/train.tensor ;

$(OUT)/model.json: $(OUT)/train.tensor $(P)FEATURES $(P)REGMULT $(P)TUNE \
    $(P)CV $(P)SEED $(call dep,train)
	$(call step,train,train.tensor -> model.json (maxent$(comma) features $(FEATURES)$(comma) $(if $(TUNE),tuning $(subst $(comma),/,$(TUNE)),regmult $(REGMULT))$(comma) $(CV)-fold CV))
	$(Q)cd '$(OUT)' && $(MARE_TRAIN) -q -m maxent --features $(FEATURES) \
	  $(if $(TUNE),--tune $(call sq,$(TUNE)),--regmult $(REGMULT)) \
	  --cv $(CV) --seed $(SEED) -o model.json train.tensor

$(OUT)/present.asc: $(OUT)/model.json $(LAYER_FILES) $(P)LAYERS \
    $(call dep,predict)
	$(call step,predict,model.json + layers $(notdir $(LAYERS))/ -> present.asc)
	$(Q)cd '$(OUT)' && $(MARE_PREDICT) -q -m model.json \
	  --layers $(call sq,$(A_LAYERS)) -o present.asc

$(OUT)/future.asc: $(OUT)/model.json $(FUTURE_FILES) $(P)FUTURE \
    $(call dep,predict)
	$(call step,project,model.json + layers $(notdir $(FUTURE))/ -> future.asc)
	$(Q)cd '$(OUT)' && $(MARE_PREDICT) -q -m model.json \
	  --layers $(call sq,$(A_FUTURE)) -o future.asc

# The future environment at every cell, unclamped: how far it lies from
# the conditions the model was trained on.
$(OUT)/future-env.tensor: $(OUT)/spec.json $(FUTURE_FILES) $(P)FUTURE \
    $(call dep,featurize)
	$(call step,featurize,layers $(notdir $(FUTURE))/ -> future-env.tensor)
	$(Q)cd '$(OUT)' && $(MARE_FEATURIZE) -q --grid --no-clamp \
	  --spec spec.json --layers $(call sq,$(A_FUTURE)) \
	  -o future-env.tensor

# mare-drift exits 1 when the data drifted: a finding, not a failure.
$(OUT)/drift.json: $(OUT)/model.json $(OUT)/future-env.tensor \
    $(call dep,drift)
	$(call step,drift,future-env.tensor vs model.json -> drift.json)
	$(Q)cd '$(OUT)' && { $(MARE_DRIFT) -q --reference model.json \
	  -o drift.json future-env.tensor; test $$? -le 1; }

REPORT_IN = $(OUT)/model.json $(OUT)/present.asc $(OUT)/future.asc \
	$(OUT)/drift.json $(OUT)/validation.json $(OUT)/valid.jsonl
REPORT_ARGS = --model model.json --map present.asc --map future.asc \
	--drift drift.json --validation validation.json \
	--occurrences valid.jsonl

$(OUT)/report.html $(OUT)/report.txt &: $(REPORT_IN) $(P)TITLE \
    $(call dep,report)
	$(call step,report,-> report.html$(comma) report.txt)
	$(Q)cd '$(OUT)' && $(MARE_REPORT) -q $(REPORT_ARGS) \
	  --title $(call sq,$(TITLE)) -o report.html && \
	  $(MARE_REPORT) -q --format text $(REPORT_ARGS) \
	  --title $(call sq,$(TITLE)) -o report.txt

clean:
	rm -rf '$(OUT)'

.PHONY: all fetch validate featurize train predict drift report clean
