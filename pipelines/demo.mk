# demo.mk - the README's first command: mare on bundled real data, offline
#
# Today: lionfish presences and the background cells of the Florida–Bahamas
# layers (JSON Lines, with the layer values already sampled) become feature
# tensors; the tensors are checked, summarised and exported to .npy for
# numpy/R/Julia users. Each mare command joins the demo as it lands.
# mare-featurize samples the bundled layers (pipelines/data/layers) at the
# presences, draws background cells and writes MaxEnt features and their
# spec: features.tensor, spec.json, and grid.tensor (every cell, for maps).
#
# Variables: MARE_BIN (folder of the mare-* programs; default: PATH),
# DATA (pipelines/data), OUT (demo-out).
# Example:  make -f pipelines/demo.mk MARE_BIN=$PWD OUT=/tmp/demo

.DELETE_ON_ERROR:

MARE_BIN ?=
DATA ?= pipelines/data
OUT ?= demo-out
SPECIES ?= lionfish
COLUMNS ?= SST_present_crop,salinity_present_crop,PAR_present_crop,pH_present_crop,currentspeed_present_crop

MARE_TENSOR ?= $(if $(MARE_BIN),$(MARE_BIN)/,)mare-tensor
MARE_FEATURIZE ?= $(if $(MARE_BIN),$(MARE_BIN)/,)mare-featurize
SEED ?= 1

all: $(OUT)/presences.npy $(OUT)/background.npy $(OUT)/summary.txt \
    $(OUT)/features.npy $(OUT)/grid.tensor
	@cat $(OUT)/summary.txt
	@echo "demo: artifacts in $(OUT)/"

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
