package rt

import (
	"errors"
	"math"
	"math/rand"
	"slices"
	"sort"
	"testing"
)

type topTestRow struct {
	key  int // few distinct values: many ties
	id   int // the order rows were added in
	name string
}

// TestTopN compares TopN with a stable sort of each whole batch cut to the limit, over random batches with many
// ties, with and without ORDER BY.
func TestTopN(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	less := func(a, b *topTestRow) bool { return a.key > b.key } // DESC
	for _, limit := range []int64{0, 1, 2, 5, 50} {
		for _, ordered := range []bool{true, false} {
			var got []topTestRow
			owned := 0
			l := less
			if !ordered {
				l = nil
			}
			tn := NewTopN(limit, l, func(r *topTestRow) { owned++ }, func(r *topTestRow) error { got = append(got, *r); return nil })
			var want []topTestRow
			id := 0
			for batch := int64(0); batch < 20; batch++ {
				n := rng.Intn(30)
				var rows []topTestRow
				for i := 0; i < n; i++ {
					id++
					r := topTestRow{key: rng.Intn(4), id: id}
					rows = append(rows, r)
					if err := tn.Add(batch*10, r); err != nil {
						t.Fatal(err)
					}
				}
				if ordered {
					sort.SliceStable(rows, func(i, j int) bool { return less(&rows[i], &rows[j]) })
				}
				if limit > 0 && int64(len(rows)) > limit {
					rows = rows[:limit]
				}
				want = append(want, rows...)
			}
			if err := tn.EndBatch(nil); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("limit %d, ordered %v:\ngot  %v\nwant %v", limit, ordered, got, want)
			}
			if owned < len(want) {
				t.Errorf("limit %d: %d rows owned, %d kept", limit, owned, len(want))
			}
		}
	}
}

// TestTopNError checks that a batch ended by an error writes nothing and that a write error stops the batch.
func TestTopNError(t *testing.T) {
	boom := errors.New("boom")
	writes := 0
	tn := NewTopN[topTestRow](2, nil, nil, func(*topTestRow) error { writes++; return boom })
	_ = tn.Add(0, topTestRow{id: 1})
	if err := tn.EndBatch(boom); err != boom || writes != 0 || tn.Len() != 0 {
		t.Fatalf("EndBatch(boom) = %v, %d writes, %d rows left", err, writes, tn.Len())
	}
	_ = tn.Add(0, topTestRow{id: 1})
	_ = tn.Add(0, topTestRow{id: 2})
	if err := tn.Add(1, topTestRow{id: 3}); err != boom || writes != 1 {
		t.Fatalf("Add to a new batch = %v after %d writes; want boom after 1", err, writes)
	}
}

func TestCmpFloatSortsAsDuckDB(t *testing.T) {
	nan := math.NaN()
	order := []float64{math.Inf(-1), -1, 0, 2.5, math.Inf(1), nan}
	for i, a := range order {
		for j, b := range order {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := CmpFloat(a, b); got != want {
				t.Errorf("CmpFloat(%v, %v) = %d, want %d", a, b, got, want)
			}
		}
	}
	if CmpFloat(math.Copysign(0, -1), 0) != 0 {
		t.Error("CmpFloat(-0, 0) != 0")
	}
	if CompareBool(false, true) != -1 || CompareBool(true, false) != 1 || CompareBool(true, true) != 0 {
		t.Error("CompareBool")
	}
}
