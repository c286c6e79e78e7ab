// Top-N buffers for ORDER BY ... LIMIT n: the rows of one batch (a window's rows, the final rows, or the whole
// input of a query that does not aggregate), kept up to n, written sorted when the batch ends.

package rt

import (
	"math"
	"slices"
)

// TopN collects the rows of a batch and writes them sorted when the batch ends. With a limit it holds at most
// limit rows, in a heap whose top is the row that sorts last, so that a batch of any size costs limit rows of
// memory. Rows that sort equal keep the order they were added in (a stable sort).
//
// R is the generated struct of one output row and its sort keys; less orders two rows (nil: no ORDER BY, rows
// stay in the order they came), own copies the strings of a row that is kept (nil when it has none), write
// writes one row to the sink.
type TopN[R any] struct {
	limit int64
	less  func(a, b *R) bool
	own   func(*R)
	write func(*R) error

	rows  []topRow[R]
	seq   uint64
	batch int64 // the batch the rows belong to
}

type topRow[R any] struct {
	r   R
	seq uint64 // the order rows were added in, which breaks ties
}

// NewTopN returns an empty TopN keeping the first limit rows of each batch (all of them when limit is 0).
func NewTopN[R any](limit int64, less func(a, b *R) bool, own func(*R), write func(*R) error) *TopN[R] {
	if limit < 0 {
		panic("rt: negative LIMIT")
	}
	return &TopN[R]{limit: limit, less: less, own: own, write: write, batch: math.MinInt64}
}

// Add adds row r to the batch batch (a window's start, or 0). A row of a batch other than the current one ends
// the current one first: its rows are written.
func (t *TopN[R]) Add(batch int64, r R) error {
	if batch != t.batch {
		if err := t.EndBatch(nil); err != nil {
			return err
		}
		t.batch = batch
	}
	t.seq++
	switch {
	case t.limit == 0 || int64(len(t.rows)) < t.limit:
		t.rows = append(t.rows, topRow[R]{r: r, seq: t.seq})
		if t.own != nil {
			t.own(&t.rows[len(t.rows)-1].r)
		}
		if t.limit > 0 && t.less != nil {
			t.up(len(t.rows) - 1)
		}
	case t.less != nil && t.less(&r, &t.rows[0].r):
		// r sorts before the last of the rows kept (and, added later, after every row it ties with): it
		// replaces that row.
		t.rows[0] = topRow[R]{r: r, seq: t.seq}
		if t.own != nil {
			t.own(&t.rows[0].r)
		}
		t.down(0)
	}
	return nil
}

// Len returns the number of rows held.
func (t *TopN[R]) Len() int { return len(t.rows) }

// EndBatch ends the current batch once the call that emitted its rows returned err: unless err is not nil, the
// rows are sorted and written. The rows are dropped either way.
func (t *TopN[R]) EndBatch(err error) error {
	if err != nil || len(t.rows) == 0 {
		clear(t.rows)
		t.rows = t.rows[:0]
		return err
	}
	if t.less != nil {
		slices.SortFunc(t.rows, func(a, b topRow[R]) int {
			switch {
			case t.less(&a.r, &b.r):
				return -1
			case t.less(&b.r, &a.r):
				return 1
			case a.seq < b.seq:
				return -1
			case a.seq > b.seq:
				return 1
			}
			return 0
		})
	}
	for i := range t.rows {
		if err = t.write(&t.rows[i].r); err != nil {
			break
		}
	}
	clear(t.rows)
	t.rows = t.rows[:0]
	return err
}

// after reports whether row i sorts after row j (ties: the later added one is after).
func (t *TopN[R]) after(i, j int) bool {
	a, b := &t.rows[i], &t.rows[j]
	if t.less(&b.r, &a.r) {
		return true
	}
	return !t.less(&a.r, &b.r) && a.seq > b.seq
}

func (t *TopN[R]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.after(i, p) {
			return
		}
		t.rows[i], t.rows[p] = t.rows[p], t.rows[i]
		i = p
	}
}

func (t *TopN[R]) down(i int) {
	n := len(t.rows)
	for {
		m, l, r := i, 2*i+1, 2*i+2
		if l < n && t.after(l, m) {
			m = l
		}
		if r < n && t.after(r, m) {
			m = r
		}
		if m == i {
			return
		}
		t.rows[i], t.rows[m] = t.rows[m], t.rows[i]
		i = m
	}
}

// CompareBool orders false before true.
func CompareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}
