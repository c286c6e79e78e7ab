package rt

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// roundTrip encodes a state and decodes it into into, failing on any error or leftover byte.
func roundTrip(t *testing.T, from interface{ AppendBinary([]byte) []byte }, into interface{ DecodeBinary(*BinDecoder) }) {
	t.Helper()
	var d BinDecoder
	d.Reset(from.AppendBinary(nil))
	into.DecodeBinary(&d)
	if d.Err() != nil || len(d.Rest()) != 0 {
		t.Fatalf("decode: %v, %d bytes left", d.Err(), len(d.Rest()))
	}
}

// TestStringAgg: values joined in arrival order; merged parts equal one state; no values is NULL.
func TestStringAgg(t *testing.T) {
	vals := []string{"a", "", "ü", "b,c", "d"}
	for _, sep := range []string{",", "", " | "} {
		var one StringAgg
		var parts [3]StringAgg
		want := ""
		for i, v := range vals {
			one.Add(v, sep)
			parts[i*3/len(vals)].Add(v, sep)
			if i > 0 {
				want += sep
			}
			want += v
		}
		parts[0].Merge(&parts[1])
		parts[0].Merge(&parts[2])
		var back StringAgg
		roundTrip(t, &one, &back)
		for _, st := range []*StringAgg{&one, &parts[0], &back} {
			if got, ok := st.Result(sep); !ok || got != want {
				t.Errorf("sep %q: %q, want %q", sep, got, want)
			}
		}
	}
	var empty, one StringAgg
	if _, ok := empty.Result(","); ok {
		t.Error("no values is not NULL")
	}
	one.Add("", ",")
	if got, ok := one.Result(","); !ok || got != "" {
		t.Errorf("one empty string: %q %v", got, ok)
	}
}

// twoPass computes the statistics of pairs the textbook way, in two passes, in 256-bit floating point.
func twoPass(ys, xs []float64) (n, mx, my, sxx, syy, sxy float64) {
	bf := func(f float64) *big.Float { return new(big.Float).SetPrec(256).SetFloat64(f) }
	nb := bf(float64(len(xs)))
	sx, sy := bf(0), bf(0)
	for i := range xs {
		sx.Add(sx, bf(xs[i]))
		sy.Add(sy, bf(ys[i]))
	}
	bmx, bmy := sx.Quo(sx, nb), sy.Quo(sy, nb)
	bxx, byy, bxy := bf(0), bf(0), bf(0)
	for i := range xs {
		dx, dy := bf(xs[i]), bf(ys[i])
		dx.Sub(dx, bmx)
		dy.Sub(dy, bmy)
		bxx.Add(bxx, new(big.Float).SetPrec(256).Mul(dx, dx))
		byy.Add(byy, new(big.Float).SetPrec(256).Mul(dy, dy))
		bxy.Add(bxy, new(big.Float).SetPrec(256).Mul(dx, dy))
	}
	f := func(b *big.Float) float64 { v, _ := b.Float64(); return v }
	return float64(len(xs)), f(bmx), f(bmy), f(bxx), f(byy), f(bxy)
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestComoment: every statistic against a two-pass computation, for random data with large offsets (where the
// textbook one-pass formula would lose most digits); states merged from parts agree; the binary form reads back.
func TestComoment(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for round := 0; round < 100; round++ {
		n := 2 + rng.IntN(200)
		off := []float64{0, 1e4, -1e6}[round%3]
		xs, ys := make([]float64, n), make([]float64, n)
		var one Comoment
		var parts [3]Comoment
		for i := range xs {
			xs[i] = off + rng.NormFloat64()*10
			ys[i] = 3*xs[i] + rng.NormFloat64()
			one.Add(ys[i], xs[i])
			parts[rng.IntN(3)].Add(ys[i], xs[i])
		}
		merged := parts[0]
		merged.Merge(&parts[1])
		merged.Merge(&parts[2])
		var back Comoment
		roundTrip(t, &one, &back)
		cnt, mx, my, sxx, syy, sxy := twoPass(ys, xs)
		slope := sxy / sxx
		corr := sxy / math.Sqrt(sxx*syy)
		want := map[string]float64{
			"covar_pop": sxy / cnt, "covar_samp": sxy / (cnt - 1), "corr": corr, "slope": slope,
			"intercept": my - slope*mx, "r2": corr * corr, "avgx": mx, "avgy": my, "sxx": sxx, "syy": syy, "sxy": sxy,
		}
		for _, st := range []*Comoment{&one, &merged, &back} {
			got := map[string]func() (float64, bool){
				"covar_pop": st.CovarPop, "covar_samp": st.CovarSamp, "corr": st.Corr, "slope": st.RegrSlope,
				"intercept": st.RegrIntercept, "r2": st.RegrR2, "avgx": st.RegrAvgX, "avgy": st.RegrAvgY,
				"sxx": st.RegrSXX, "syy": st.RegrSYY, "sxy": st.RegrSXY,
			}
			for name, f := range got {
				v, ok := f()
				// The intercept subtracts two large numbers when x is far from 0: compare it at the scale of ȳ.
				tol := near(v, want[name]) || name == "intercept" && math.Abs(v-want[name]) <= 1e-9*math.Abs(my)
				if !ok || !tol {
					t.Fatalf("round %d (n %d, offset %g): %s = %v, want %v", round, n, off, name, v, want[name])
				}
			}
			if st.RegrCount() != int64(n) {
				t.Fatalf("count %d, want %d", st.RegrCount(), n)
			}
		}
	}
}

// TestComomentDuckDB: the results DuckDB 1.5 gives for y = 10, 5, 5, 20 over x = 1, 2, 4, 5, for one pair, for a
// constant x or y, and for no pairs.
func TestComomentDuckDB(t *testing.T) {
	var a Comoment
	for _, p := range [][2]float64{{10, 1}, {5, 2}, {5, 4}, {20, 5}} {
		a.Add(p[0], p[1])
	}
	check := func(name string, f func() (float64, bool), want float64, wantOK bool) {
		t.Helper()
		v, ok := f()
		if ok != wantOK || ok && !sameFloat(v, want) && !near(v, want) {
			t.Errorf("%s = %v %v, want %v %v", name, v, ok, want, wantOK)
		}
	}
	check("corr", a.Corr, 0.5163977794943222, true)
	check("covar_pop", a.CovarPop, 5, true)
	check("covar_samp", a.CovarSamp, 6.666666666666665, true)
	check("regr_slope", a.RegrSlope, 2, true)
	check("regr_intercept", a.RegrIntercept, 4, true)
	check("regr_r2", a.RegrR2, 0.2666666666666666, true)
	check("regr_sxx", a.RegrSXX, 10, true)
	check("regr_syy", a.RegrSYY, 150, true)
	check("regr_sxy", a.RegrSXY, 20, true)
	check("regr_avgx", a.RegrAvgX, 3, true)
	check("regr_avgy", a.RegrAvgY, 10, true)

	var one Comoment
	one.Add(10, 1)
	check("corr of one pair", one.Corr, math.NaN(), true)
	check("covar_pop of one pair", one.CovarPop, 0, true)
	check("covar_samp of one pair", one.CovarSamp, 0, false)
	check("regr_slope of one pair", one.RegrSlope, math.NaN(), true)
	check("regr_intercept of one pair", one.RegrIntercept, 0, false)
	check("regr_r2 of one pair", one.RegrR2, 0, false)
	check("regr_sxx of one pair", one.RegrSXX, 0, true)

	var cx, cy Comoment
	for _, y := range []float64{10, 5, 20} {
		cx.Add(y, 1) // x constant
		cy.Add(1, y) // y constant
	}
	check("corr, x constant", cx.Corr, math.NaN(), true)
	check("regr_intercept, x constant", cx.RegrIntercept, 0, false)
	check("regr_r2, x constant", cx.RegrR2, 0, false)
	check("regr_r2, y constant", cy.RegrR2, 1, true)

	var none Comoment
	for name, f := range map[string]func() (float64, bool){"corr": none.Corr, "covar_pop": none.CovarPop,
		"regr_slope": none.RegrSlope, "regr_intercept": none.RegrIntercept, "regr_r2": none.RegrR2,
		"regr_avgx": none.RegrAvgX, "regr_sxx": none.RegrSXX} {
		check(name+" of nothing", f, 0, false)
	}
	if none.RegrCount() != 0 {
		t.Error("regr_count of nothing is not 0")
	}
}

// TestArgMinMax: the arg of the best value, the earliest row on ties, also across a merge; DOUBLE NaN is the
// largest value; strings are copies.
func TestArgMinMax(t *testing.T) {
	type row struct {
		arg string
		val int64
	}
	rows := []row{{"a", 10}, {"b", 5}, {"c", 5}, {"d", 20}, {"e", 20}, {"f", 7}}
	var mn ArgMin[string, int64]
	var mx ArgMax[string, int64]
	var mnParts [2]ArgMin[string, int64]
	var mxP [2]ArgMax[string, int64]
	buf := make([]byte, 1)
	for i, r := range rows {
		// The strings Add sees view the record being read, which the next record overwrites.
		buf[0] = r.arg[0]
		s := unsafe.String(&buf[0], 1)
		mn.Add(s, r.val)
		mx.Add(s, r.val)
		mnParts[i/3].Add(r.arg, r.val)
		mxP[i/3].Add(r.arg, r.val)
	}
	buf[0] = '?'
	if got, _ := mn.Result(); got != "b" {
		t.Errorf("arg_min = %q, want b (first of the tie)", got)
	}
	if got, _ := mx.Result(); got != "d" {
		t.Errorf("arg_max = %q, want d (first of the tie)", got)
	}
	mnParts[0].Merge(&mnParts[1])
	mxP[0].Merge(&mxP[1])
	if got, _ := mnParts[0].Result(); got != "b" {
		t.Errorf("merged arg_min = %q", got)
	}
	if got, _ := mxP[0].Result(); got != "d" {
		t.Errorf("merged arg_max = %q", got)
	}
	// A tie across the merge keeps the first part's row.
	var p1, p2 ArgMax[int32, string]
	p1.Add(1, "z")
	p2.Add(2, "z")
	p1.Merge(&p2)
	if got, _ := p1.Result(); got != 1 {
		t.Errorf("tie across a merge: %d, want 1", got)
	}
	var f ArgMaxFloat[bool]
	f.Add(false, 1)
	f.Add(true, math.NaN())
	f.Add(false, math.Inf(1))
	if got, _ := f.Result(); !got {
		t.Error("NaN is not the largest value")
	}
	var fm ArgMinFloat[int64]
	fm.Add(1, math.NaN())
	fm.Add(2, math.Inf(-1))
	if got, _ := fm.Result(); got != 2 {
		t.Errorf("arg_min over NaN and -inf = %d", got)
	}
	var d ArgMinDec[Int128]
	d.Add(I128(1), I128(-5))
	d.Add(I128(2), I128(-6))
	var back ArgMinDec[Int128]
	roundTrip(t, &d, &back)
	if got, ok := back.Result(); !ok || got != I128(2) {
		t.Errorf("decoded arg_min = %v", got)
	}
	var empty ArgMaxDec[string]
	if _, ok := empty.Result(); ok {
		t.Error("no rows is not NULL")
	}
}

// TestBoolAggs: BOOL_AND and BOOL_OR with merges, and NULL over no values.
func TestBoolAggs(t *testing.T) {
	for _, vals := range [][]bool{{true}, {false}, {true, true}, {true, false, true}, {false, false}} {
		wantAnd, wantOr := true, false
		var and, and1, and2 BoolAnd
		var or, or1, or2 BoolOr
		for i, v := range vals {
			wantAnd, wantOr = wantAnd && v, wantOr || v
			and.Add(v)
			or.Add(v)
			if i%2 == 0 {
				and1.Add(v)
				or1.Add(v)
			} else {
				and2.Add(v)
				or2.Add(v)
			}
		}
		and1.Merge(&and2)
		or1.Merge(&or2)
		var andB BoolAnd
		roundTrip(t, &and1, &andB)
		for _, a := range []*BoolAnd{&and, &and1, &andB} {
			if got, ok := a.Result(); !ok || got != wantAnd {
				t.Errorf("%v: bool_and %v", vals, got)
			}
		}
		for _, o := range []*BoolOr{&or, &or1} {
			if got, ok := o.Result(); !ok || got != wantOr {
				t.Errorf("%v: bool_or %v", vals, got)
			}
		}
	}
	var and BoolAnd
	var or BoolOr
	var emptyAnd BoolAnd
	and.Merge(&emptyAnd)
	if _, ok := and.Result(); ok {
		t.Error("bool_and of nothing is not NULL")
	}
	if _, ok := or.Result(); ok {
		t.Error("bool_or of nothing is not NULL")
	}
	and.Add(false)
	and.Merge(&emptyAnd)
	if got, _ := and.Result(); got {
		t.Error("merging an empty state changed false")
	}
}

// TestEarliestLatest: the first and last values in arrival order, across merges of later parts.
func TestEarliestLatest(t *testing.T) {
	var e, e1, e2, e0 Earliest[string]
	var l, l1, l2, l0 Latest[string]
	for i, v := range []string{"x", "y", "z"} {
		e.Add(v)
		l.Add(v)
		if i == 0 {
			e1.Add(v)
			l1.Add(v)
		} else {
			e2.Add(v)
			l2.Add(v)
		}
	}
	e0.Merge(&e1) // an empty first part
	e0.Merge(&e2)
	l1.Merge(&l2)
	l1.Merge(&l0) // an empty last part
	var eb Earliest[string]
	roundTrip(t, &e0, &eb)
	for _, st := range []*Earliest[string]{&e, &e0, &eb} {
		if got, ok := st.Result(); !ok || got != "x" {
			t.Errorf("earliest = %q %v", got, ok)
		}
	}
	for _, st := range []*Latest[string]{&l, &l1} {
		if got, ok := st.Result(); !ok || got != "z" {
			t.Errorf("latest = %q %v", got, ok)
		}
	}
	var none Latest[int32]
	if _, ok := none.Result(); ok {
		t.Error("latest of nothing is not NULL")
	}
}
