// Sliding: an aggregate over a ROWS frame kept up to date as values enter and leave the frame, for aggregates
// whose state cannot take a value back (STDDEV and VARIANCE, MIN, MAX), and Moments, the variance family's state
// there.

package rt

import "math"

// Slider is what Sliding needs of an accumulator S of values T: Add folds a value in, Merge folds in the state of
// values that came after S's own (as for --workers). The zero S is the empty state.
type Slider[T, S any] interface {
	*S
	Add(T)
	Merge(*S)
}

// Sliding keeps accumulator S over a queue of values that enter at the back (Add) and leave at the front (Drop),
// in amortized O(1) per value, without taking a value back out of a state: a value that leaves is simply no longer
// part of any state read. So the result is that of some grouping of exactly the frame's values, never one drifted
// by removals (a frame of equal values has variance exactly 0), unlike Welford's update run backwards.
//
// It is the classic two-stacks queue. The newer values ("back") are kept with their running state; the older
// ones ("front") only as the states of their suffixes, front[i] being the state of the front's newest i+1
// values. When the front runs out, the back's values become the front. Value merges the two states.
//
// The zero Sliding is an empty frame; MakeSliding makes one with room for the values of a frame.
type Sliding[T, S any, P Slider[T, S]] struct {
	front []S // the front's suffix states, the state of the whole front (its oldest value first) last
	back  S   // the state of vals
	vals  []T // the back's values, oldest first
	cur   S   // Value's result
	max   int // the most values the frame holds (MakeSliding); 0: unknown
}

// MakeSliding returns an empty Sliding for a frame of at most n values: its room grows as values come, up to n
// (most partitions of a stream of many keys see few rows).
func MakeSliding[T, S any, P Slider[T, S]](n int) Sliding[T, S, P] {
	return Sliding[T, S, P]{max: n}
}

// Add appends v to the back of the frame.
func (s *Sliding[T, S, P]) Add(v T) {
	if len(s.vals) == cap(s.vals) && s.max > 0 {
		grown := make([]T, len(s.vals), min(max(2*cap(s.vals), 4), max(s.max, len(s.vals)+1)))
		copy(grown, s.vals)
		s.vals = grown
	}
	s.vals = append(s.vals, v)
	P(&s.back).Add(v)
}

// Drop removes the oldest value of the frame; the frame is not empty.
func (s *Sliding[T, S, P]) Drop() {
	if len(s.front) == 0 {
		s.flip()
	}
	var zero S
	s.front[len(s.front)-1] = zero
	s.front = s.front[:len(s.front)-1]
}

// flip makes the back's values the front: their suffix states, newest first, each the value's own state merged
// with the state of the values after it, in order. It works in place in s's slices: a method called through P
// makes a local it is given escape to the heap.
func (s *Sliding[T, S, P]) flip() {
	if cap(s.front) < len(s.vals) {
		s.front = make([]S, 0, cap(s.vals))
	}
	var zero S
	for i := len(s.vals) - 1; i >= 0; i-- {
		s.front = append(s.front, zero)
		j := len(s.front) - 1
		P(&s.front[j]).Add(s.vals[i])
		if j > 0 {
			P(&s.front[j]).Merge(&s.front[j-1])
		}
	}
	var zeroT T
	for i := range s.vals {
		s.vals[i] = zeroT
	}
	s.vals = s.vals[:0]
	s.back = zero
}

// Value returns the state of the frame's values.
func (s *Sliding[T, S, P]) Value() S {
	if len(s.front) == 0 {
		return s.back
	}
	s.cur = s.front[len(s.front)-1]
	P(&s.cur).Merge(&s.back)
	return s.cur
}

// Len returns the number of values in the frame.
func (s *Sliding[T, S, P]) Len() int { return len(s.front) + len(s.vals) }

// Moments is the state of STDDEV and VARIANCE (sample and population) over a ROWS frame, kept by a Sliding. It is
// Welford's state of the values less a shift K, the first value it saw: the mean, and so the difference of two
// means Merge squares, are then of the size of the values' spread rather than of the values. A state of prices
// near 1e6 varying by 0.01 would otherwise lose about 1e-10 of each mean to rounding, which Chan's merge term
// d² multiplies into the variance (Welford's Add is immune to its mean's error to first order; Merge is not). A
// frame of equal values has variance exactly 0. The zero value is an empty state.
type Moments struct {
	N    int64
	K    float64 // the shift: the first value added
	Mean float64 // the mean of x − K
	M2   float64 // the sum of squared deviations from the mean
}

// Add folds x into the state.
func (m *Moments) Add(x float64) {
	if m.N == 0 {
		m.K = x
	}
	m.N++
	y := x - m.K
	d := y - m.Mean
	m.Mean += d / float64(m.N)
	m.M2 += d * (y - m.Mean)
}

// Merge folds in o (Chan, Golub and LeVeque's pairwise update), keeping m's shift.
func (m *Moments) Merge(o *Moments) {
	if o.N == 0 {
		return
	}
	if m.N == 0 {
		*m = *o
		return
	}
	n := m.N + o.N
	d := (o.K - m.K) + (o.Mean - m.Mean) // o's mean less m's: exact for shifts within a factor of 2 of each other
	f := float64(o.N) / float64(n)
	m.Mean += d * f
	m.M2 += o.M2 + d*d*float64(m.N)*f
	m.N = n
}

// VarSamp returns the sample variance M2/(N-1) (VAR_SAMP, VARIANCE); NULL (false) when N < 2.
func (m *Moments) VarSamp() (float64, bool) {
	if m.N < 2 {
		return 0, false
	}
	return m.M2 / float64(m.N-1), true
}

// VarPop returns the population variance M2/N (VAR_POP); NULL (false) when N == 0.
func (m *Moments) VarPop() (float64, bool) {
	if m.N == 0 {
		return 0, false
	}
	return m.M2 / float64(m.N), true
}

// StddevSamp returns the square root of VarSamp (STDDEV_SAMP, STDDEV).
func (m *Moments) StddevSamp() (float64, bool) {
	v, ok := m.VarSamp()
	return math.Sqrt(v), ok
}

// StddevPop returns the square root of VarPop (STDDEV_POP).
func (m *Moments) StddevPop() (float64, bool) {
	v, ok := m.VarPop()
	return math.Sqrt(v), ok
}
