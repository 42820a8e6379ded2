# multi.mk - many species at once: one sub-DAG per species, make -jN
#
# Every species named in SPECIES_LIST (one name a line, no spaces; '#'
# starts a comment) has its occurrence records in RECORDS/<species>.jsonl
# (Darwin Core JSON Lines, as mare-fetch writes them) and its own chain of
# files under OUT/<species>/:
#
#   valid.jsonl       mare-validate (rejects.jsonl: the records it refused)
#   train.tensor      mare-featurize: the layers sampled at the presences
#                     plus BACKGROUND background cells, raw variables
#   model.json        mare-train -m maxent with CV-fold cross-validation
#                     (refused first when fewer than MIN_PRESENCES remain)
#   suitability.asc   mare-predict: the habitat-suitability map
#   metrics.json      the species' row of the summary; a model that did not
#                     converge fails here
#   <step>.log        each step's messages; FAILED: why the species failed
#
# and, at the end, OUT/summary.tsv and OUT/summary.json: one row per species
# (status ok, failed with the reason, or not-run; presences, background,
# CV AUC mean and sd, CV TSS, training AUC, features, non-zero
# coefficients, converged).
#
# The species are independent targets, so `make -jN` runs N at once and
# `make -k` lets every species that can finish, finish: a species without
# records, with too few presences or whose model did not converge fails
# only its own targets and is listed as failed. The summary is written
# either way; make's exit status says whether every species succeeded.
#
# Variables (defaults in brackets):
#   SPECIES_LIST  the species list [species.txt]
#   RECORDS       folder of <species>.jsonl [records]
#   OUT           output folder [multi-out]
#   LAYERS        folder of aligned .asc layers [the bundled present-day
#                 stack: this file's data/layers/present, or data/layers]
#   BACKGROUND    background cells per species [10000]
#   FEATURES      MaxEnt feature classes, letters of lqpht or default
#                 [default: maxnet's choice by presence count]
#   CV            cross-validation folds [5]
#   REGMULT       regularisation multiplier [1]
#   SEED          seed of background and folds [1]
#   MIN_PRESENCES fewest presences (after thinning) worth a model [10]
#   ALLOW_NONCONVERGED  yes: keep models that did not converge [no]
#   TRAIN_FLAGS   more mare-train options, e.g. --max-iter 200 [none]
#   THREADS       OpenBLAS threads per command [1: make -j is the
#                 parallelism]
#   MARE_BIN      folder of the mare-* programs [PATH]
#   V=1           show the commands instead of one line per step
#
# Targets: all (the default: every species, then the summary), species
# (the species only), summary (the table from whatever is there now),
# params (only the parameter stamps; see slurm/README.md),
# synth (N synthetic species from the layers into RECORDS and SPECIES_LIST,
# see tools/synth-species; N [100], SYNTH_SEED [1]), clean.
# A changed BACKGROUND, SEED or LAYERS re-featurizes; a changed FEATURES,
# CV, REGMULT, MIN_PRESENCES or TRAIN_FLAGS only retrains (parameter stamps in OUT).
#
# Example: 100 synthetic species, two at a time
#   make -f pipelines/multi.mk synth N=100 RECORDS=synth SPECIES_LIST=synth/species.txt
#   make -f pipelines/multi.mk -k -j2 RECORDS=synth SPECIES_LIST=synth/species.txt
#   column -t multi-out/summary.tsv | less -S
#
# SPDX-License-Identifier: MIT

MULTI_MK := $(abspath $(lastword $(MAKEFILE_LIST)))
MULTI_DIR := $(dir $(MULTI_MK))

.DELETE_ON_ERROR:
.SUFFIXES:

SPECIES_LIST ?= species.txt
RECORDS ?= records
OUT ?= multi-out
LAYERS ?= $(firstword $(patsubst %/,%,$(dir $(wildcard \
    $(MULTI_DIR)data/layers/present/*.asc))) $(MULTI_DIR)data/layers)
BACKGROUND ?= 10000
FEATURES ?= default
CV ?= 5
REGMULT ?= 1
SEED ?= 1
MIN_PRESENCES ?= 10
ALLOW_NONCONVERGED ?= no
THREADS ?= 1
TRAIN_FLAGS ?=
N ?= 100
SYNTH_SEED ?= 1
MARE_BIN ?=
TOOLS ?= $(MULTI_DIR)tools

mare = $(if $(MARE_BIN),$(MARE_BIN)/,)mare-$(1)
MARE_VALIDATE ?= $(call mare,validate)
MARE_FEATURIZE ?= $(call mare,featurize)
MARE_TENSOR ?= $(call mare,tensor)
MARE_TRAIN ?= $(call mare,train)
MARE_PREDICT ?= $(call mare,predict)
RUN = $(TOOLS)/run-step
SUMMARY = $(TOOLS)/multi-summary

ifeq ($(V),1)
Q =
say = :
else
Q = @
say = printf '  %-10s %s\n'
endif

# The species: the list's names, comments and blank lines dropped. Only
# the targets that need it read the list.
ifneq ($(filter-out synth clean,$(or $(MAKECMDGOALS),all)),)
ifeq ($(wildcard $(SPECIES_LIST)),)
$(error $(SPECIES_LIST): no such species list (set SPECIES_LIST, or make synth))
endif
SPECIES := $(shell sed -e 's/\#.*//' '$(SPECIES_LIST)')
endif
LAYER_FILES := $(sort $(wildcard $(LAYERS)/*.asc $(LAYERS)/*.asc.gz))

all:
	@$(MAKE) --no-print-directory -f '$(MULTI_MK)' species; s=$$?; \
	$(MAKE) --no-print-directory -f '$(MULTI_MK)' summary || exit $$?; \
	exit $$s

species: $(foreach s,$(SPECIES),$(OUT)/$(s)/metrics.json)

summary: | $(OUT)
	$(Q)$(SUMMARY) table --list '$(SPECIES_LIST)' --out '$(OUT)' \
	  -o '$(OUT)/summary.tsv' --json '$(OUT)/summary.json'

# A parameter stamp changes (and so reruns its dependants) only when the
# parameters do; it is compared when make reads this file, so make -n and
# make -q see the change too.
FEATURIZE_PARAMS = $(BACKGROUND) $(SEED) $(abspath $(LAYERS)) $(LAYER_FILES)
TRAIN_PARAMS = $(FEATURES) $(CV) $(REGMULT) $(SEED) $(MIN_PRESENCES) \
    $(ALLOW_NONCONVERGED) $(TRAIN_FLAGS)
stamp = $(shell mkdir -p '$(OUT)' && { echo '$(2)' | cmp -s - '$(1)' || \
    echo '$(2)' >'$(1)'; })
ifneq ($(filter-out synth clean summary,$(or $(MAKECMDGOALS),all)),)
$(call stamp,$(OUT)/.featurize-params,$(FEATURIZE_PARAMS))
$(call stamp,$(OUT)/.train-params,$(TRAIN_PARAMS))
endif

$(OUT)/%/valid.jsonl: $(RECORDS)/%.jsonl
	@$(say) validate $*
	$(Q)$(RUN) $(@D) validate $(MARE_VALIDATE) -q \
	  -R $(@D)/rejects.jsonl -o $@ $<

$(OUT)/%/train.tensor: $(OUT)/%/valid.jsonl $(OUT)/.featurize-params \
    $(LAYER_FILES)
	@$(say) featurize $*
	$(Q)$(RUN) $(@D) featurize $(MARE_FEATURIZE) -q --layers $(LAYERS) \
	  --features l --background $(BACKGROUND) --seed $(SEED) \
	  -R $(@D)/featurize-rejects.jsonl -o $@ $<

# The presences left after thinning, from the tensor's metadata.
$(OUT)/%/model.json: $(OUT)/%/train.tensor $(OUT)/.train-params
	@$(say) train $*
	$(Q)$(RUN) $(@D) presences sh -c 'n=$$($(MARE_TENSOR) info "$$1" | \
	  sed -n "s/.*\"records\":{[^}]*\"used\":\([0-9]*\).*/\1/p"); \
	  [ "$${n:-0}" -ge $(MIN_PRESENCES) ] || { \
	  echo "too few presences: $${n:-0} < $(MIN_PRESENCES)" >&2; exit 65; }' \
	  sh $<
	$(Q)$(RUN) $(@D) train $(MARE_TRAIN) -q -m maxent \
	  --features $(FEATURES) --regmult $(REGMULT) --cv $(CV) \
	  --seed $(SEED) --threads $(THREADS) $(TRAIN_FLAGS) -o $@ $<

$(OUT)/%/suitability.asc: $(OUT)/%/model.json $(LAYER_FILES)
	@$(say) predict $*
	$(Q)$(RUN) $(@D) predict $(MARE_PREDICT) -q -m $< --layers $(LAYERS) \
	  --threads $(THREADS) -o $@

$(OUT)/%/metrics.json: $(OUT)/%/model.json $(OUT)/%/suitability.asc
	$(Q)$(RUN) $(@D) metrics $(SUMMARY) row --species $* \
	  $(if $(filter yes,$(ALLOW_NONCONVERGED)),--allow-nonconverged) \
	  -o $@ $<
	$(Q)rm -f $(@D)/FAILED

# A species of the list without a records file fails on its own.
$(RECORDS)/%.jsonl:
	@mkdir -p $(OUT)/$*
	@echo "records: $@: no such file" >$(OUT)/$*/FAILED
	@echo "$*: $@: no such file" >&2; exit 66

# Only the parameter stamps (written when this file is read): a SLURM
# submission updates them once before its array tasks start.
params:
	@:

synth:
	@mkdir -p '$(RECORDS)'
	$(TOOLS)/synth-species --layers '$(LAYERS)' --out '$(RECORDS)' \
	  --count $(N) --seed $(SYNTH_SEED) --list '$(SPECIES_LIST)'

$(OUT):
	mkdir -p $@

clean:
	rm -rf '$(OUT)'

.PHONY: all species summary params synth clean
.SECONDARY:
