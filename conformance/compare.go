// Comparing results: velocc's JSON lines and DuckDB's rows, normalized by velocc's column types, compared as
// multisets (or in order), with a readable diff.
package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/velocc/velocc/compiler"
)

// Tolerances for DOUBLE columns.
const (
	relTol = 1e-9
	absTol = 1e-12
)

// val is one normalized value.
type val struct {
	null  bool
	exact string  // canonical text of an exactly compared value
	f     float64 // the value of an approximately compared one
	show  string  // how a diff shows it
	keys  []val   // a MAP's keys, sorted by their exact text
	kids  []val   // a STRUCT's fields in type order, an ARRAY's elements, a MAP's values (in key order)
}

// colMode is how one column is compared.
type colMode struct {
	name   string
	typ    compiler.Type // velocc's type
	approx bool          // compare f within tolerance (a nested column: some leaf is)
	abs    float64       // absolute tolerance of an approximate column
	nt     *ntype        // a STRUCT, ARRAY or MAP column's type, with its leaves' modes; nil for a scalar column
}

// table is a normalized result.
type table struct {
	cols []colMode
	rows [][]val
}

func nullVal() val { return val{null: true, show: "NULL"} }

// modes are the comparison modes of velocc's columns (DuckDB's may change them; see duckResult.table).
func modes(cols []*compiler.Column) []colMode {
	ms := make([]colMode, len(cols))
	for i, c := range cols {
		ms[i] = colMode{name: c.Name, typ: c.Type}
		if nt := columnNType(c.Type); nt != nil {
			setLeafModes(nt)
			ms[i].nt, ms[i].approx = nt, nt.hasApprox()
			continue
		}
		if c.Type.Kind == compiler.Double {
			ms[i].approx, ms[i].abs = true, absTol
		}
	}
	return ms
}

// columnNType is the nested type of a velocc column, read from its type's text (DuckDB's or ksqlDB's syntax), or nil
// for a scalar column.
func columnNType(t compiler.Type) *ntype {
	nt, err := parseNType(t.String(), false)
	if err != nil || !nt.nested() {
		return nil
	}
	return nt
}

// retractColumn is the last column of a query whose rows may be retractions: velocc writes "_retract":true on a
// retraction and nothing on other rows; the DuckDB query computes it as a BOOLEAN.
const retractColumn = "_retract"

// readVelocc parses a velocc sink's JSON lines: one object per row, keys in SELECT order.
func readVelocc(data []byte, cols []colMode) (*table, error) {
	t := &table{cols: cols}
	for n, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		row, err := readVeloccRow(line, t.cols)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v: %s", n+1, err, line)
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

func readVeloccRow(line []byte, cols []colMode) ([]val, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var row []val
	for i := 0; dec.More(); i++ {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string)
		if i >= len(cols) || key != cols[i].name {
			return nil, fmt.Errorf("key %q where the column %s was expected", key, colList(cols, i))
		}
		var raw any
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		var v val
		if cols[i].nt != nil {
			v, err = veloccNested(raw, cols[i].nt, key)
		} else {
			v, err = veloccVal(raw, cols[i])
		}
		if err != nil {
			return nil, fmt.Errorf("column %q: %v", key, err)
		}
		row = append(row, v)
	}
	if len(row) == len(cols)-1 && cols[len(row)].name == retractColumn {
		row = append(row, boolVal(false)) // not a retraction
	}
	if len(row) != len(cols) {
		return nil, fmt.Errorf("missing column %s", colList(cols, len(row)))
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("text after the object")
	}
	return row, nil
}

func colList(cols []colMode, i int) string {
	if i >= len(cols) {
		return "(none)"
	}
	return strconv.Quote(cols[i].name)
}

// veloccVal normalizes one JSON value by the column's type.
func veloccVal(raw any, m colMode) (val, error) {
	if raw == nil {
		return nullVal(), nil
	}
	kind := m.typ.Kind
	switch kind {
	case compiler.Bool:
		b, ok := raw.(bool)
		if !ok {
			return val{}, fmt.Errorf("want a boolean, got %v", raw)
		}
		return boolVal(b), nil
	case compiler.Varchar, compiler.Null:
		s, ok := raw.(string)
		if !ok {
			return val{}, fmt.Errorf("want a string, got %v", raw)
		}
		return strVal(s), nil
	case compiler.Date, compiler.Time, compiler.Bytes:
		s, ok := raw.(string)
		if !ok {
			return val{}, fmt.Errorf("want a %s string, got %v", m.typ, raw)
		}
		return temporalText(kind, s)
	}
	num, ok := raw.(json.Number)
	if !ok {
		return val{}, fmt.Errorf("want a number, got %v", raw)
	}
	switch kind {
	case compiler.Int, compiler.BigInt, compiler.Timestamp:
		i, ok := new(big.Int).SetString(string(num), 10)
		if !ok {
			return val{}, fmt.Errorf("want an integer, got %s", num)
		}
		if kind == compiler.Timestamp {
			if !i.IsInt64() {
				return val{}, fmt.Errorf("timestamp %s out of range", num)
			}
			return tsVal(i.Int64() * 1000), nil
		}
		if m.approx {
			f, _ := new(big.Float).SetInt(i).Float64()
			return val{f: f, show: i.String()}, nil
		}
		return intVal(i), nil
	case compiler.Decimal:
		s := string(num)
		if strings.ContainsAny(s, "eE") {
			return val{}, fmt.Errorf("want exact decimal digits, got %s", s)
		}
		if frac := s[strings.IndexByte(s, '.')+1:]; strings.Contains(s, ".") && len(frac) != int(m.typ.Scale) ||
			!strings.Contains(s, ".") && m.typ.Scale != 0 {
			return val{}, fmt.Errorf("want %d digits after the point for %s, got %s", m.typ.Scale, m.typ, s)
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return val{}, fmt.Errorf("not a decimal: %s", s)
		}
		if m.approx {
			f, _ := r.Float64()
			return val{f: f, show: s}, nil
		}
		return val{exact: "d:" + r.RatString(), show: s}, nil
	case compiler.Double:
		f, err := strconv.ParseFloat(string(num), 64)
		if err != nil {
			return val{}, err
		}
		return floatVal(f), nil
	}
	return val{}, fmt.Errorf("unsupported column type %s", m.typ)
}

func boolVal(b bool) val {
	return val{exact: "b:" + strconv.FormatBool(b), show: strconv.FormatBool(b)}
}
func strVal(s string) val { return val{exact: "s:" + s, show: strconv.Quote(s)} }
func intVal(i *big.Int) val {
	return val{exact: "i:" + i.String(), show: i.String()}
}

// tsVal is a timestamp in microseconds (DuckDB's precision; velocc's milliseconds times 1000).
func tsVal(us int64) val {
	t := time.UnixMicro(us).UTC()
	show := t.Format("2006-01-02T15:04:05.000Z")
	if us%1000 != 0 {
		show = t.Format("2006-01-02T15:04:05.000000Z")
	}
	return val{exact: "t:" + strconv.FormatInt(us, 10), show: fmt.Sprintf("%s (%d ms)", show, us/1000)}
}

// floatVal is a DOUBLE. NaN and infinities are NULL: velocc's JSON output cannot tell them apart.
func floatVal(f float64) val {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		v := nullVal()
		v.show = "NULL/" + strconv.FormatFloat(f, 'g', -1, 64)
		return v
	}
	return val{f: f, show: strconv.FormatFloat(f, 'g', -1, 64)}
}

// isFloatType reports whether a DuckDB type name is a binary floating-point type.
func isFloatType(name string) bool { return name == "DOUBLE" || name == "FLOAT" }

// table normalizes DuckDB's rows by velocc's column types. The names must match velocc's. A DuckDB DOUBLE where
// velocc has an exact number is allowed only when the case says why it differs; the column is then compared
// within tolerance (for a DECIMAL, one unit of its last digit).
func (d *duckResult) table(cols []*compiler.Column, differs bool) (*table, error) {
	var vn, dn []string
	for _, c := range cols {
		vn = append(vn, c.Name)
	}
	dn = append(dn, d.names...)
	if strings.Join(vn, "\x00") != strings.Join(dn, "\x00") {
		return nil, fmt.Errorf("the column names differ:\n  velocc: %s\n  duckdb: %s\n"+
			"(alias every computed column the same way in both queries)", strings.Join(vn, ", "), strings.Join(dn, ", "))
	}
	return d.tableOf(modes(cols), differs)
}

// tableOf is table with the columns' modes given.
func (d *duckResult) tableOf(ms []colMode, differs bool) (*table, error) {
	t := &table{cols: ms}
	for i := range t.cols {
		m := &t.cols[i]
		if m.nt != nil {
			dt, err := parseNType(d.types[i], true)
			if err != nil {
				return nil, fmt.Errorf("DuckDB column %q: %v", m.name, err)
			}
			if err := matchDuckType(m.nt, dt, differs, strconv.Quote(m.name)); err != nil {
				return nil, fmt.Errorf("column %v", err)
			}
			m.approx = m.nt.hasApprox()
			continue
		}
		if !isFloatType(d.types[i]) {
			continue
		}
		switch m.typ.Kind {
		case compiler.Decimal, compiler.Int, compiler.BigInt:
			if !differs {
				return nil, fmt.Errorf("column %q is %s in velocc but %s in DuckDB: cast the DuckDB result, or say why "+
					"the case differs with -- differs \"REASON\" -- (then it is compared within tolerance)", m.name, m.typ, d.types[i])
			}
			m.approx = true
			m.abs = math.Pow(10, -float64(m.typ.Scale))
		}
	}
	return t, t.addDuckRows(d)
}

// selfTable normalizes DuckDB's rows by DuckDB's own column types (for a pending case, which has no velocc types).
func (d *duckResult) selfTable() (*table, error) {
	t := &table{}
	for i, name := range d.names {
		nt, err := parseNType(d.types[i], true)
		if err != nil {
			return nil, fmt.Errorf("DuckDB column %q: %v", name, err)
		}
		m := colMode{name: name, typ: nt.scalar}
		switch {
		case nt.nested():
			setLeafModes(nt)
			m.nt, m.approx = nt, nt.hasApprox()
		case nt.scalar.Kind == compiler.Double:
			m.approx, m.abs = true, absTol
		}
		t.cols = append(t.cols, m)
	}
	return t, t.addDuckRows(d)
}

// addDuckRows normalizes DuckDB's rows by t's column modes.
func (t *table) addDuckRows(d *duckResult) error {
	for _, r := range d.rows {
		row := make([]val, len(r))
		for i, x := range r {
			var v val
			var err error
			if t.cols[i].nt != nil {
				v, err = duckNested(x, t.cols[i].nt, t.cols[i].name)
			} else {
				v, err = duckVal(x, t.cols[i])
			}
			if err != nil {
				return fmt.Errorf("DuckDB column %q (%s, velocc %s): %v", t.cols[i].name, d.types[i], colTypeName(t.cols[i]), err)
			}
			row[i] = v
		}
		t.rows = append(t.rows, row)
	}
	return nil
}

// duckVal normalizes one DuckDB value by velocc's column type.
func duckVal(x any, m colMode) (val, error) {
	if x == nil {
		return nullVal(), nil
	}
	kind := m.typ.Kind
	// Numbers first: as an exact rational, or a float64.
	var rat *big.Rat
	var f float64
	isFloat := false
	switch n := x.(type) {
	case int8:
		rat = new(big.Rat).SetInt64(int64(n))
	case int16:
		rat = new(big.Rat).SetInt64(int64(n))
	case int32:
		rat = new(big.Rat).SetInt64(int64(n))
	case int64:
		rat = new(big.Rat).SetInt64(n)
	case uint8:
		rat = new(big.Rat).SetInt64(int64(n))
	case uint16:
		rat = new(big.Rat).SetInt64(int64(n))
	case uint32:
		rat = new(big.Rat).SetInt64(int64(n))
	case uint64:
		rat = new(big.Rat).SetInt(new(big.Int).SetUint64(n))
	case *big.Int:
		rat = new(big.Rat).SetInt(n)
	case duckdb.Decimal:
		rat = new(big.Rat).SetFrac(n.Value, pow10(int(n.Scale)))
	case float32:
		f, isFloat = float64(n), true
	case float64:
		f, isFloat = n, true
	}
	switch kind {
	case compiler.Bool:
		if b, ok := x.(bool); ok {
			return boolVal(b), nil
		}
	case compiler.Varchar, compiler.Null:
		if s, ok := x.(string); ok {
			return strVal(s), nil
		}
	case compiler.Date, compiler.Time, compiler.Bytes:
		if v, ok := duckTemporal(kind, x); ok {
			return v, nil
		}
	case compiler.Timestamp:
		switch t := x.(type) {
		case time.Time:
			return tsVal(t.UnixMicro()), nil
		case int64:
			return tsVal(t * 1000), nil // epoch milliseconds
		}
	case compiler.Int, compiler.BigInt:
		switch {
		case rat != nil && rat.IsInt():
			if m.approx {
				f, _ := rat.Float64()
				return val{f: f, show: rat.Num().String()}, nil
			}
			return intVal(rat.Num()), nil
		case isFloat && m.approx:
			return floatVal(f), nil
		}
	case compiler.Decimal:
		switch {
		case isFloat && m.approx:
			return floatVal(f), nil
		case rat != nil && m.approx:
			f, _ := rat.Float64()
			return val{f: f, show: rat.FloatString(int(m.typ.Scale))}, nil
		case rat != nil:
			show := rat.FloatString(int(m.typ.Scale))
			if d, ok := x.(duckdb.Decimal); ok {
				show = decCell(d.Value, int(d.Scale)).json
			}
			return val{exact: "d:" + rat.RatString(), show: show}, nil
		}
	case compiler.Double:
		switch {
		case isFloat:
			return floatVal(f), nil
		case rat != nil:
			f, _ := rat.Float64()
			return floatVal(f), nil
		}
	}
	return val{}, fmt.Errorf("cannot compare the DuckDB value %v (%T) with a velocc %s", x, x, m.typ)
}

// colTypeName is the velocc type of a column, as a report names it.
func colTypeName(m colMode) string {
	if m.nt != nil {
		return m.nt.String()
	}
	return m.typ.String()
}

// near reports whether two values of a column are equal: exactly, or within the column's tolerance.
func near(a, b val, m colMode) bool {
	if m.nt != nil {
		return nearNested(a, b, m.nt)
	}
	if a.null || b.null {
		return a.null == b.null
	}
	if !m.approx {
		return a.exact == b.exact
	}
	if a.f == b.f {
		return true
	}
	d := math.Abs(a.f - b.f)
	return d <= m.abs || d <= relTol*math.Max(math.Abs(a.f), math.Abs(b.f))
}

// exactKey is the part of a row compared exactly; approximate columns are left out.
func exactKey(row []val, cols []colMode) string {
	var b strings.Builder
	for i, v := range row {
		switch {
		case cols[i].approx && cols[i].nt == nil:
			continue // a nested value's exact text leaves its approximate leaves out
		case v.null:
			b.WriteString("\x01null")
		default:
			b.WriteString("\x01" + v.exact)
		}
	}
	return b.String()
}

// lessApprox orders rows by their approximate columns (NULL first).
func lessApprox(a, b []val, cols []colMode) bool {
	for i := range cols {
		if !cols[i].approx {
			continue
		}
		x, y := a[i], b[i]
		switch {
		case x.null && y.null:
			continue
		case x.null:
			return true
		case y.null:
			return false
		case cols[i].nt != nil:
			if x.show != y.show {
				return x.show < y.show
			}
		case x.f != y.f:
			return x.f < y.f
		}
	}
	return false
}

func showRow(row []val, cols []colMode) string {
	parts := make([]string, len(row))
	for i, v := range row {
		parts[i] = cols[i].name + "=" + v.show
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// maxShown is how many differing rows of each side a report shows.
const maxShown = 10

// compareTables compares velocc's rows (v) with DuckDB's (d), both read with the same column modes, and returns a
// readable diff, or "" when they match.
func compareTables(v, d *table, ordered bool) string {
	cols := d.cols
	if ordered {
		return compareOrdered(v, d, cols)
	}
	groups := map[string][2][][]val{}
	for _, r := range v.rows {
		k := exactKey(r, cols)
		g := groups[k]
		g[0] = append(g[0], r)
		groups[k] = g
	}
	for _, r := range d.rows {
		k := exactKey(r, cols)
		g := groups[k]
		g[1] = append(g[1], r)
		groups[k] = g
	}
	var onlyV, onlyD [][]val
	for _, k := range sortedKeys(groups) {
		g := groups[k]
		sort.SliceStable(g[0], func(i, j int) bool { return lessApprox(g[0][i], g[0][j], cols) })
		sort.SliceStable(g[1], func(i, j int) bool { return lessApprox(g[1][i], g[1][j], cols) })
		if len(g[0]) == len(g[1]) && allNear(g[0], g[1], cols) {
			continue // the common case, in linear time
		}
		used := make([]bool, len(g[1]))
	rows:
		for _, r := range g[0] {
			for j, s := range g[1] {
				if !used[j] && rowNear(r, s, cols) {
					used[j] = true
					continue rows
				}
			}
			onlyV = append(onlyV, r)
		}
		for j, s := range g[1] {
			if !used[j] {
				onlyD = append(onlyD, s)
			}
		}
	}
	if len(onlyV) == 0 && len(onlyD) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "velocc and DuckDB differ: velocc %d rows, DuckDB %d rows; %d only in velocc, %d only in DuckDB (as multisets)\n",
		len(v.rows), len(d.rows), len(onlyV), len(onlyD))
	b.WriteString("  columns: " + colTypes(cols) + "\n")
	writeRows(&b, "- only in velocc", onlyV, cols)
	writeRows(&b, "+ only in DuckDB", onlyD, cols)
	return b.String()
}

func allNear(a, b [][]val, cols []colMode) bool {
	for i := range a {
		if !rowNear(a[i], b[i], cols) {
			return false
		}
	}
	return true
}

func rowNear(a, b []val, cols []colMode) bool {
	for i := range cols {
		if !near(a[i], b[i], cols[i]) {
			return false
		}
	}
	return true
}

func colTypes(cols []colMode) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.name + " " + c.typ.String()
		switch {
		case c.nt != nil && c.approx:
			parts[i] = c.name + " " + c.nt.String() + fmt.Sprintf(" (DOUBLE leaves ±%g or %g relative)", absTol, relTol)
		case c.nt != nil:
			parts[i] = c.name + " " + c.nt.String()
		case c.approx:
			parts[i] += fmt.Sprintf(" (±%g or %g relative)", c.abs, relTol)
		}
	}
	return strings.Join(parts, ", ")
}

func writeRows(b *strings.Builder, title string, rows [][]val, cols []colMode) {
	if len(rows) == 0 {
		return
	}
	shown := make([]string, len(rows))
	for i, r := range rows {
		shown[i] = showRow(r, cols)
	}
	sort.Strings(shown)
	fmt.Fprintf(b, "  %s:\n", title)
	for i, s := range shown {
		if i == maxShown {
			fmt.Fprintf(b, "    ... and %d more\n", len(shown)-maxShown)
			break
		}
		fmt.Fprintf(b, "    %s\n", s)
	}
}

// compareOrdered compares row by row.
func compareOrdered(v, d *table, cols []colMode) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(v.rows) || i < len(d.rows); i++ {
		var x, y []val
		if i < len(v.rows) {
			x = v.rows[i]
		}
		if i < len(d.rows) {
			y = d.rows[i]
		}
		if x != nil && y != nil && rowNear(x, y, cols) {
			continue
		}
		if n++; n > maxShown {
			b.WriteString("  ...\n")
			break
		}
		fmt.Fprintf(&b, "  row %d:\n", i+1)
		if x != nil {
			fmt.Fprintf(&b, "    - velocc: %s\n", showRow(x, cols))
		}
		if y != nil {
			fmt.Fprintf(&b, "    + duckdb: %s\n", showRow(y, cols))
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("velocc and DuckDB differ (in order): velocc %d rows, DuckDB %d rows\n  columns: %s\n%s",
		len(v.rows), len(d.rows), colTypes(cols), b.String())
}

// temporalText normalizes velocc's text of a DATE (YYYY-MM-DD), a TIME (HH:MM:SS[.fff], compared in microseconds)
// or a BLOB (DuckDB's BLOB text, \xHH for a byte).
func temporalText(kind compiler.Kind, s string) (val, error) {
	switch kind {
	case compiler.Date:
		if !dateText.MatchString(s) {
			return val{}, fmt.Errorf("want a date YYYY-MM-DD[ (BC)], got %q", s)
		}
		return val{exact: "date:" + s, show: s}, nil
	case compiler.Time:
		t, err := time.Parse("15:04:05.999999", s)
		if err != nil {
			if s != "24:00:00" {
				return val{}, fmt.Errorf("want a time HH:MM:SS[.fff], got %q", s)
			}
			return val{exact: "time:86400000000", show: s}, nil
		}
		us := int64(t.Hour())*3_600_000_000 + int64(t.Minute())*60_000_000 + int64(t.Second())*1_000_000 + int64(t.Nanosecond()/1000)
		return val{exact: "time:" + strconv.FormatInt(us, 10), show: s}, nil
	}
	return val{exact: "blob:" + s, show: s}, nil
}

// duckTemporal normalizes DuckDB's DATE (time.Time), TIME (time.Time of day) or BLOB ([]byte) as temporalText does.
func duckTemporal(kind compiler.Kind, x any) (val, bool) {
	switch v := x.(type) {
	case time.Time:
		if kind == compiler.Date {
			y, m, d := v.UTC().Date()
			s := fmt.Sprintf("%04d-%02d-%02d", y, m, d)
			if y <= 0 {
				s = fmt.Sprintf("%04d-%02d-%02d (BC)", 1-y, m, d)
			}
			return val{exact: "date:" + s, show: s}, true
		}
		if kind == compiler.Time {
			v = v.UTC()
			us := int64(v.Hour())*3_600_000_000 + int64(v.Minute())*60_000_000 + int64(v.Second())*1_000_000 + int64(v.Nanosecond()/1000)
			return val{exact: "time:" + strconv.FormatInt(us, 10), show: v.Format("15:04:05.999999")}, true
		}
	case []byte:
		if kind == compiler.Bytes {
			s := blobText(v)
			return val{exact: "blob:" + s, show: s}, true
		}
	case string:
		if kind == compiler.Bytes {
			s := blobText([]byte(v))
			return val{exact: "blob:" + s, show: s}, true
		}
	}
	return val{}, false
}

// dateText is DuckDB's text of a DATE.
var dateText = regexp.MustCompile(`^\d{4,7}-\d\d-\d\d( \(BC\))?$`)
