# demo.mk - the README's first command: mare on bundled real data, offline
#
# Red lionfish (Pterois volitans) presences and the Florida-Bahamas layers
# go through the whole chain: mare-tensor turns the records' sampled values
# into tensors (checked, summarised, exported to .npy); mare-featurize
# samples the bundled layers (pipelines/data/layers) at the presences, draws
# the background and writes MaxEnt features with their spec (features.tensor,
# spec.json, grid.tensor); mare-train fits MaxEnt as maxnet does with 5-fold
# cross-validation (model.json); mare-predict maps habitat suitability over
# the layers (suitability.asc); mare-report writes report.html and a text
# summary.
#
# Variables: MARE_BIN (folder of the mare-* programs; default: PATH),
# DATA (pipelines/data), OUT (demo-out), SEED (1), CV (folds, 5).
# Example:  make -f pipelines/demo.mk MARE_BIN=$PWD OUT=/tmp/demo

.DELETE_ON_ERROR:

MARE_BIN ?=
DATA ?= pipelines/data
OUT ?= demo-out
SPECIES ?= lionfish
COLUMNS ?= SST_present_crop,salinity_present_crop,PAR_present_crop,pH_present_crop,currentspeed_present_crop

MARE_TENSOR ?= $(if $(MARE_BIN),$(MARE_BIN)/,)mare-tensor
MARE_FEATURIZE ?= $(if $(MARE_BIN),$(MARE_BIN)/,)mare-featurize
MARE_TRAIN ?= $(if $(MARE_BIN),$(MARE_BIN)/,)mare-train
MARE_PREDICT ?= $(if $(MARE_BIN),$(MARE_BIN)/,)mare-predict
MARE_REPORT ?= $(if $(MARE_BIN),$(MARE_BIN)/,)mare-report
CV ?= 5
SEED ?= 1

all: $(OUT)/presences.npy $(OUT)/background.npy $(OUT)/summary.txt \
    $(OUT)/features.npy $(OUT)/grid.tensor $(OUT)/report.html $(OUT)/report.txt
	@cat $(OUT)/summary.txt
	@cat $(OUT)/report.txt
	@echo "demo: artifacts in $(OUT)/ (open $(OUT)/report.html in a browser)"

$(OUT)/presences.tensor: $(DATA)/$(SPECIES)/presences.jsonl | $(OUT)
	$(MARE_TENSOR) from-jsonl --columns $(COLUMNS) -o $@ $<

$(OUT)/background.tensor: $(DATA)/$(SPECIES)/background.jsonl | $(OUT)
	$(MARE_TENSOR) from-jsonl --columns $(COLUMNS) -o $@ $<

# spec.json is written by the same command (a grouped target would need
# make 4.3; the spec is listed as the tensor's companion instead).
$(OUT)/features.tensor: $(DATA)/$(SPECIES)/presences.jsonl | $(OUT)
	$(MARE_FEATURIZE) --layers $(DATA)/layers --seed $(SEED) --weights \
	  -R $(OUT)/rejects.jsonl --spec-out $(OUT)/spec.json -o $@ $<

$(OUT)/spec.json: $(OUT)/features.tensor

$(OUT)/grid.tensor: $(OUT)/spec.json
	$(MARE_FEATURIZE) --grid --layers $(DATA)/layers --spec $< -o $@

# The model: MaxEnt as maxnet fits it, on the raw layer values at the
# presences and at every background cell (linear "features" = the raw
# variables; mare-train builds maxnet's feature classes itself).
$(OUT)/train.tensor: $(DATA)/$(SPECIES)/presences.jsonl | $(OUT)
	$(MARE_FEATURIZE) --layers $(DATA)/layers --features l --seed $(SEED) \
	  -q -o $@ $<

$(OUT)/model.json: $(OUT)/train.tensor
	$(MARE_TRAIN) -m maxent --cv $(CV) --seed $(SEED) -o $@ $<

$(OUT)/suitability.asc: $(OUT)/model.json
	$(MARE_PREDICT) -m $< --layers $(DATA)/layers -o $@

$(OUT)/report.html: $(OUT)/model.json $(OUT)/suitability.asc
	$(MARE_REPORT) --model $(OUT)/model.json --map $(OUT)/suitability.asc \
	  --occurrences $(DATA)/$(SPECIES)/presences.jsonl \
	  --title "Red lionfish, Florida and the Bahamas" -q -o $@

$(OUT)/report.txt: $(OUT)/model.json $(OUT)/suitability.asc
	$(MARE_REPORT) --format text --model $(OUT)/model.json \
	  --map $(OUT)/suitability.asc -q -o $@

$(OUT)/%.npy: $(OUT)/%.tensor
	$(MARE_TENSOR) verify $<
	$(MARE_TENSOR) to-npy -o $@ $<

$(OUT)/summary.txt: $(OUT)/presences.tensor $(OUT)/background.tensor \
    $(OUT)/features.tensor
	{ echo "== presences"; $(MARE_TENSOR) info $(OUT)/presences.tensor; \
	  echo "== background"; $(MARE_TENSOR) info $(OUT)/background.tensor; \
	  echo "== features"; $(MARE_TENSOR) info $(OUT)/features.tensor | head -n 12; } > $@.tmp
	mv $@.tmp $@

$(OUT):
	mkdir -p $@

clean:
	rm -rf $(OUT)

.PHONY: all clean
