# demo.mk - the README's first command: mare on bundled real data, offline
#
# Today: lionfish presences and the background cells of the Florida–Bahamas
# layers (JSON Lines, with the layer values already sampled) become feature
# tensors; the tensors are checked, summarised and exported to .npy for
# numpy/R/Julia users. Each mare command joins the demo as it lands.
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

all: $(OUT)/presences.npy $(OUT)/background.npy $(OUT)/summary.txt
	@cat $(OUT)/summary.txt
	@echo "demo: artifacts in $(OUT)/"

$(OUT)/presences.tensor: $(DATA)/$(SPECIES)/presences.jsonl | $(OUT)
	$(MARE_TENSOR) from-jsonl --columns $(COLUMNS) -o $@ $<

$(OUT)/background.tensor: $(DATA)/$(SPECIES)/background.jsonl | $(OUT)
	$(MARE_TENSOR) from-jsonl --columns $(COLUMNS) -o $@ $<

$(OUT)/%.npy: $(OUT)/%.tensor
	$(MARE_TENSOR) verify $<
	$(MARE_TENSOR) to-npy -o $@ $<

$(OUT)/summary.txt: $(OUT)/presences.tensor $(OUT)/background.tensor
	{ echo "== presences"; $(MARE_TENSOR) info $(OUT)/presences.tensor; \
	  echo "== background"; $(MARE_TENSOR) info $(OUT)/background.tensor; } > $@.tmp
	mv $@.tmp $@

$(OUT):
	mkdir -p $@

clean:
	rm -rf $(OUT)

.PHONY: all clean
