package rt

import (
	"math"
	"testing"
)

// TestWatermarkInputs checks that a watermark over several inputs follows the slowest input that has not ended.
func TestWatermarkInputs(t *testing.T) {
	w := NewWatermark(10)
	in := w.Inputs(2)
	in.From(0)
	w.Observe(1000)
	if w.Current() != math.MinInt64 {
		t.Fatalf("input 1 has no record yet, watermark = %d, want none", w.Current())
	}
	in.From(1)
	w.Observe(500)
	if w.Current() != 490 {
		t.Fatalf("watermark = %d, want 490 (input 1 at 500, less 10)", w.Current())
	}
	in.From(0)
	w.Observe(2000)
	if w.Current() != 490 {
		t.Fatalf("input 0 moved on alone: watermark = %d, want 490", w.Current())
	}
	in.End(1)
	if !w.Refresh() || w.Current() != 1990 {
		t.Fatalf("input 1 ended: watermark = %d, want 1990", w.Current())
	}
	in.End(0)
	w.Refresh()
	if w.Current() != 1990 {
		t.Fatalf("every input ended: watermark = %d, want 1990 (the largest event time seen, less 10)", w.Current())
	}
}
