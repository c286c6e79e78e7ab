package e2e

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

const arithSQL = `CREATE STREAM nums (id INT, a BIGINT, b BIGINT, d DECIMAL(10,2), e DECIMAL(10,2), x DOUBLE, y DOUBLE)
  WITH ('path'='nums.jsonl');
SELECT id, a / b AS q, a % b AS m, d / e AS dq, d % e AS dm, x / y AS fq, x % y AS fm, id / 0 AS z, d / a AS da
FROM nums;
SELECT SUM(a) AS total, COUNT(*) AS n FROM nums;
`

func init() { jobScripts["arith"] = arithSQL }

// num is one generated record of nums. x and y are quarters (kx/4, ky/4) so that x % y is exact.
type numRec struct {
	id, a, b *int64
	d, e     *big.Int // unscaled DECIMAL(10,2)
	kx, ky   *int64
}

func genNums(seed uint64, n int) []numRec {
	rng := rand.New(rand.NewPCG(seed, 7))
	maybe := func(v int64) *int64 {
		if rng.IntN(10) == 0 {
			return nil
		}
		return &v
	}
	maybeDec := func(v int64) *big.Int {
		if rng.IntN(10) == 0 {
			return nil
		}
		return big.NewInt(v)
	}
	out := make([]numRec, n)
	for i := range out {
		out[i] = numRec{
			id: maybe(int64(i)), a: maybe(rng.Int64N(2001) - 1000), b: maybe(rng.Int64N(7) - 3),
			d: maybeDec(rng.Int64N(20001) - 10000), e: maybeDec(rng.Int64N(5) - 2 + (rng.Int64N(2) * 1234)),
			kx: maybe(rng.Int64N(81) - 40), ky: maybe(rng.Int64N(9) - 4),
		}
	}
	return out
}

func numsJSONL(recs []numRec) []byte {
	var b bytes.Buffer
	i64 := func(p *int64) string {
		if p == nil {
			return "null"
		}
		return fmt.Sprint(*p)
	}
	d := func(p *big.Int) string {
		if p == nil {
			return "null"
		}
		return string(decText(p, 2))
	}
	q := func(p *int64) string {
		if p == nil {
			return "null"
		}
		return fmt.Sprint(float64(*p) / 4)
	}
	for _, r := range recs {
		fmt.Fprintf(&b, `{"id":%s,"a":%s,"b":%s,"d":%s,"e":%s,"x":%s,"y":%s}`+"\n", i64(r.id), i64(r.a), i64(r.b), d(r.d), d(r.e), q(r.kx), q(r.ky))
	}
	return b.Bytes()
}

// refArith is select_1: division and modulo by zero are NULL, like every operation on a NULL.
func refArith(recs []numRec) []row {
	var rows []row
	for _, r := range recs {
		var id, q, m, dq, dm, fq, fm, da any
		if r.id != nil {
			id = *r.id
		}
		if r.a != nil && r.b != nil && *r.b != 0 {
			q = float64(*r.a) / float64(*r.b)
			m = *r.a % *r.b // Go's % truncates like SQL: the sign of the dividend
		}
		if r.d != nil && r.e != nil && r.e.Sign() != 0 {
			// DECIMAL(10,2) / DECIMAL(10,2) is DECIMAL(38,8), rounded half away from zero.
			dq = decText(divRound(new(big.Int).Mul(r.d, pow10(8)), r.e), 8)
			dm = decText(new(big.Int).Rem(r.d, r.e), 2)
		}
		if r.kx != nil && r.ky != nil && *r.ky != 0 {
			fq = float64(*r.kx) / float64(*r.ky) // (kx/4) / (ky/4), both exact
			fm = float64(*r.kx%*r.ky) / 4
		}
		if r.d != nil && r.a != nil && *r.a != 0 {
			da = decText(divRound(new(big.Int).Mul(r.d, pow10(6)), big.NewInt(*r.a)), 8)
		}
		rows = append(rows, row{{"id", id}, {"q", q}, {"m", m}, {"dq", dq}, {"dm", dm}, {"fq", fq}, {"fm", fm}, {"z", nil}, {"da", da}})
	}
	return rows
}

func TestDivisionByZero(t *testing.T) {
	needBuild(t)
	recs := genNums(5, 400)
	zeros := 0
	for _, r := range recs {
		if r.b != nil && *r.b == 0 || r.e != nil && r.e.Sign() == 0 || r.ky != nil && *r.ky == 0 {
			zeros++
		}
	}
	if zeros < 20 {
		t.Fatalf("only %d records divide by zero", zeros)
	}
	dir := t.TempDir()
	writeFile(t, dir, "nums.jsonl", numsJSONL(recs))
	res := runOK(t, "arith", dir, "--bounded", "--sink", "select_2=file:sums.jsonl")
	checkRows(t, "select_1", parseRows(t, res.Stdout), refArith(recs))

	var want []row
	var total sum
	for i, r := range recs {
		total.add(r.a)
		want = append(want, row{{"total", total.val()}, {"n", int64(i + 1)}})
	}
	checkRows(t, "select_2", parseRows(t, readFile(t, dir, "sums.jsonl")), want)
}

// TestSumOverflow: SUM over BIGINT that leaves the int64 range stops the job with the aggregate's position in the
// script and the record's position in the input.
func TestSumOverflow(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	writeFile(t, dir, "nums.jsonl", []byte(`{"id":1,"a":4611686018427387904,"b":1}
{"id":2,"a":4611686018427387903,"b":1}
{"id":3,"a":1,"b":1}
{"id":4,"a":1,"b":1}
`))
	res := runJob(t, "arith", dir, "--bounded")
	if res.Code != 1 {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", res.Code, res.Stderr)
	}
	// 2^62 + (2^62 - 1) = MaxInt64 still fits; the third record overflows.
	line := strings.Count(arithSQL[:strings.Index(arithSQL, "SUM(a)")], "\n") + 1
	lineStart := strings.LastIndex(arithSQL[:strings.Index(arithSQL, "SUM(a)")], "\n") + 1
	col := utf8.RuneCountInString(arithSQL[lineStart:strings.Index(arithSQL, "SUM(a)")]) + 1
	want := fmt.Sprintf("arith: arith.sql:%d:%d: integer overflow in \"SUM(a)\" at nums.jsonl:3\n", line, col)
	if !strings.Contains(res.Stderr, want) {
		t.Errorf("stderr does not have the line %q:\n%s", want, res.Stderr)
	}
	// The rows before the failing record were written.
	if got := parseRows(t, res.Stdout); len(got) < 4 {
		t.Errorf("stdout has %d rows, want at least those of the first two records:\n%s", len(got), res.Stdout)
	}
}
