// The correctness guard: velocc's output and DuckDB's, both JSON lines, must hold the same rows. Numbers compare
// exactly as decimals (DuckDB writes 123.45 where velocc writes 123.4500), except the columns a workload lists as
// approximate, which compare within a tolerance.

package main

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"os"
	"slices"
	"strconv"
	"strings"
)

// relTol is the relative tolerance of approximate columns.
const relTol = 1e-9

// maxShown is how many differing rows of each side a mismatch report shows.
const maxShown = 5

// outRow is one output row, normalized: the exactly compared columns as one string, and the approximate ones.
type outRow struct {
	exact  string
	approx []float64 // in the order of the sorted approximate column names; NaN for null
	text   string    // the line as written, for reports
}

// normalizer turns output lines into outRows for a workload's approximate columns.
type normalizer struct {
	approx map[string]float64
	names  []string // approximate column names, sorted
}

func newNormalizer(approx map[string]float64) *normalizer {
	n := &normalizer{approx: approx}
	for k := range approx {
		n.names = append(n.names, k)
	}
	slices.Sort(n.names)
	return n
}

// row normalizes one JSON object.
func (n *normalizer) row(line []byte) (outRow, error) {
	var obj map[string]any
	d := json.NewDecoder(bytes.NewReader(line))
	d.UseNumber()
	if err := d.Decode(&obj); err != nil {
		return outRow{}, err
	}
	r := outRow{text: string(line), approx: make([]float64, len(n.names))}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		v := obj[k]
		if i, ok := slices.BinarySearch(n.names, k); ok {
			switch x := v.(type) {
			case nil:
				r.approx[i] = math.NaN()
			case json.Number:
				f, err := strconv.ParseFloat(string(x), 64)
				if err != nil {
					return outRow{}, fmt.Errorf("column %q: %v", k, err)
				}
				r.approx[i] = f
			default:
				return outRow{}, fmt.Errorf("column %q: %v is not a number", k, v)
			}
			b.WriteString(k + "\x00~\x01") // present, compared below
			continue
		}
		b.WriteString(k + "\x00")
		switch x := v.(type) {
		case nil:
			b.WriteString("null")
		case bool:
			b.WriteString(strconv.FormatBool(x))
		case string:
			b.WriteString(strconv.Quote(x))
		case json.Number:
			c, err := canonDecimal(string(x))
			if err != nil {
				return outRow{}, fmt.Errorf("column %q: %v", k, err)
			}
			b.WriteString("#" + c)
		default:
			return outRow{}, fmt.Errorf("column %q: unexpected value %v", k, v)
		}
		b.WriteString("\x01")
	}
	r.exact = b.String()
	return r, nil
}

// canonDecimal returns the canonical text of a JSON number as an exact decimal: no exponent, no leading zeros
// before the units, no trailing zeros after the point, no point without a fraction, and no sign on zero. So
// "12.3400", "12.34" and "1.234e1" are all "12.34".
func canonDecimal(s string) (string, error) {
	if strings.ContainsAny(s, "eE") {
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return "", fmt.Errorf("%q is not a number", s)
		}
		// A JSON number is a finite decimal: its denominator is 2^a·5^b, and max(a, b) digits after the point
		// write it exactly.
		den := new(big.Int).Set(r.Denom())
		twos := int(den.TrailingZeroBits())
		den.Rsh(den, uint(twos))
		fives := 0
		five, q, m := big.NewInt(5), new(big.Int), new(big.Int)
		for den.Cmp(big.NewInt(1)) > 0 {
			if q.QuoRem(den, five, m); m.Sign() != 0 {
				return "", fmt.Errorf("%q is not a decimal number", s)
			}
			den.Set(q)
			fives++
		}
		digits := max(twos, fives)
		s = r.FloatString(digits)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	if intPart == "" || strings.Trim(intPart, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return "", fmt.Errorf("%q is not a decimal number", s)
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	frac = strings.TrimRight(frac, "0")
	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out, nil
}

// near reports whether two rows with the same exact part have their approximate columns within tolerance.
func (n *normalizer) near(a, b outRow) bool {
	for i, name := range n.names {
		x, y := a.approx[i], b.approx[i]
		if math.IsNaN(x) || math.IsNaN(y) {
			if math.IsNaN(x) != math.IsNaN(y) {
				return false
			}
			continue
		}
		d := math.Abs(x - y)
		if d > n.approx[name] && d > relTol*math.Max(math.Abs(x), math.Abs(y)) {
			return false
		}
	}
	return true
}

// lines calls fn with each non-empty line of the file at path and its number.
func lines(path string, fn func(n int, line []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		n++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := fn(n, sc.Bytes()); err != nil {
			return fmt.Errorf("%s:%d: %v", path, n, err)
		}
	}
	return sc.Err()
}

// compareOutputs compares the JSON lines files velocc and duck wrote for w. It returns nil when they hold the same
// rows, in the same order if w.ordered, and otherwise an error showing rows found on one side only.
func compareOutputs(w *workload, velocc, duck string) error {
	n := newNormalizer(w.approx)
	if w.ordered {
		return compareOrdered(n, velocc, duck)
	}
	if w.hashed {
		return compareHashed(n, velocc, duck)
	}
	var v, d []outRow
	for _, side := range []struct {
		path string
		rows *[]outRow
	}{{velocc, &v}, {duck, &d}} {
		err := lines(side.path, func(_ int, line []byte) error {
			r, err := n.row(line)
			*side.rows = append(*side.rows, r)
			return err
		})
		if err != nil {
			return err
		}
	}
	return compareRows(n, v, d)
}

// compareRows compares two multisets of rows.
func compareRows(n *normalizer, v, d []outRow) error {
	byKey := map[string][]int{}
	for i, r := range v {
		byKey[r.exact] = append(byKey[r.exact], i)
	}
	matched := make([]bool, len(v))
	var onlyD []outRow
	for _, r := range d {
		found := false
		for k, i := range byKey[r.exact] {
			if n.near(v[i], r) {
				byKey[r.exact] = slices.Delete(byKey[r.exact], k, k+1)
				matched[i] = true
				found = true
				break
			}
		}
		if !found {
			onlyD = append(onlyD, r)
		}
	}
	var onlyV []outRow
	for i, r := range v {
		if !matched[i] {
			onlyV = append(onlyV, r)
		}
	}
	if len(onlyV) == 0 && len(onlyD) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "velocc wrote %d rows, DuckDB %d; %d of velocc's and %d of DuckDB's have no match", len(v), len(d),
		len(onlyV), len(onlyD))
	show(&b, "velocc only", onlyV)
	show(&b, "DuckDB only", onlyD)
	return fmt.Errorf("%s", b.String())
}

// show writes up to maxShown rows under a title, sorted.
func show(b *strings.Builder, title string, rows []outRow) {
	if len(rows) == 0 {
		return
	}
	texts := make([]string, len(rows))
	for i, r := range rows {
		texts[i] = r.text
	}
	slices.Sort(texts)
	fmt.Fprintf(b, "\n  %s:", title)
	for i, t := range texts {
		if i == maxShown {
			fmt.Fprintf(b, "\n    ... and %d more", len(texts)-maxShown)
			break
		}
		fmt.Fprintf(b, "\n    %s", t)
	}
}

// compareOrdered compares two files line by line, without holding either in memory.
func compareOrdered(n *normalizer, velocc, duck string) error {
	df, err := os.Open(duck)
	if err != nil {
		return err
	}
	defer df.Close()
	dsc := bufio.NewScanner(df)
	dsc.Buffer(make([]byte, 1<<20), 64<<20)
	rows := 0
	err = lines(velocc, func(_ int, line []byte) error {
		if !dsc.Scan() {
			if err := dsc.Err(); err != nil {
				return err
			}
			return fmt.Errorf("velocc wrote more rows than DuckDB (%d): the first extra one is\n    %s", rows, line)
		}
		rows++
		vr, err := n.row(line)
		if err != nil {
			return err
		}
		dr, err := n.row(dsc.Bytes())
		if err != nil {
			return fmt.Errorf("%s:%d: %v", duck, rows, err)
		}
		if vr.exact != dr.exact || !n.near(vr, dr) {
			return fmt.Errorf("row %d differs:\n    velocc: %s\n    DuckDB: %s", rows, vr.text, dr.text)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if dsc.Scan() {
		return fmt.Errorf("DuckDB wrote more rows than velocc (%d): the first extra one is\n    %s", rows, dsc.Text())
	}
	return dsc.Err()
}

// rowHash is a 128-bit hash of a row's exactly compared part.
type rowHash [2]uint64

func hashRow(r outRow) rowHash {
	sum := sha256.Sum256([]byte(r.exact))
	return rowHash{binary.LittleEndian.Uint64(sum[:8]), binary.LittleEndian.Uint64(sum[8:16])}
}

func (a rowHash) cmp(b rowHash) int {
	if c := cmp.Compare(a[0], b[0]); c != 0 {
		return c
	}
	return cmp.Compare(a[1], b[1])
}

// hashes returns the sorted hashes of the rows of a JSON lines file.
func hashes(n *normalizer, path string) ([]rowHash, error) {
	var hs []rowHash
	err := lines(path, func(_ int, line []byte) error {
		r, err := n.row(line)
		hs = append(hs, hashRow(r))
		return err
	})
	slices.SortFunc(hs, rowHash.cmp)
	return hs, err
}

// compareHashed compares two files as multisets of rows, in any order, holding only a 16-byte hash of each row in
// memory: millions of rows of a join, which DuckDB need not write in input order. Approximate columns are not
// supported (their values would have to match exactly to hash alike). On a mismatch, a second pass over both files
// finds rows whose hashes are on one side only, to show them.
func compareHashed(n *normalizer, velocc, duck string) error {
	if len(n.names) > 0 {
		return fmt.Errorf("rows with approximate columns (%s) cannot be compared by their hashes", strings.Join(n.names, ", "))
	}
	v, err := hashes(n, velocc)
	if err != nil {
		return err
	}
	d, err := hashes(n, duck)
	if err != nil {
		return err
	}
	if slices.Equal(v, d) {
		return nil
	}
	// The hashes on one side only, counted: a merge of the two sorted lists.
	onlyV, onlyD := map[rowHash]int{}, map[rowHash]int{}
	nv, nd := 0, 0
	for i, j := 0, 0; i < len(v) || j < len(d); {
		switch {
		case j == len(d) || i < len(v) && v[i].cmp(d[j]) < 0:
			onlyV[v[i]]++
			nv++
			i++
		case i == len(v) || v[i].cmp(d[j]) > 0:
			onlyD[d[j]]++
			nd++
			j++
		default:
			i++
			j++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "velocc wrote %d rows, DuckDB %d; %d of velocc's and %d of DuckDB's have no match", len(v), len(d), nv, nd)
	for _, side := range []struct {
		title, path string
		only        map[rowHash]int
	}{{"velocc only", velocc, onlyV}, {"DuckDB only", duck, onlyD}} {
		var rows []outRow
		err := lines(side.path, func(_ int, line []byte) error {
			r, err := n.row(line)
			if err != nil {
				return err
			}
			if h := hashRow(r); side.only[h] > 0 && len(rows) < maxShown {
				side.only[h]--
				rows = append(rows, r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		show(&b, side.title, rows)
	}
	return fmt.Errorf("%s", b.String())
}
