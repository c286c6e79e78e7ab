// Case files and their data sets: parsing the sections, and writing the rows as JSON lines (also pretty) and CSV.
package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/velocc/velocc/compiler"
	"github.com/velocc/velocc/grammar"
	"go.yaml.in/yaml/v3"
)

// Column is one generated column of a data set, as written in the data section of a case file.
type Column struct {
	Name     string   `yaml:"name"`
	Type     string   `yaml:"type"`      // BOOLEAN, INT, BIGINT, DOUBLE, DECIMAL(p,s), VARCHAR, TIMESTAMP; STRUCT(...), T[], MAP(K, V)
	Gen      string   `yaml:"gen"`       // choice, int, seq, decimal, float, string, bool, time; struct, array, map
	Values   []string `yaml:"values"`    // choice: the values, written as literals of the column's type
	Zipf     float64  `yaml:"zipf"`      // choice: skew exponent; value k is drawn with weight 1/(k+1)^zipf; 0 = uniform
	NullRate float64  `yaml:"null_rate"` // fraction of NULLs
	Min      string   `yaml:"min"`       // int, decimal, float: the smallest value; seq: the first value
	Max      string   `yaml:"max"`       // int, decimal, float: the largest value
	Edges    []string `yaml:"edges"`     // values mixed in at edge_rate, written as literals of the column's type
	EdgeRate float64  `yaml:"edge_rate"` // fraction of edge values (default 0.02 when edges are given)
	MinLen   int      `yaml:"min_len"`   // string: shortest length in code points (default 0); array, map: fewest elements (default 0)
	MaxLen   int      `yaml:"max_len"`   // string: longest length in code points (default 12); array, map: most elements (default 4)
	Alphabet string   `yaml:"alphabet"`  // string: ascii (printable, default), unicode, digits
	Start    string   `yaml:"start"`     // time: RFC 3339 time of row 0 (default 2024-01-01T00:00:00Z)
	StepMs   int64    `yaml:"step_ms"`   // time: milliseconds between rows (default 1000)
	JitterMs int64    `yaml:"jitter_ms"` // time: each row is up to this much later than its slot (default 0)
	Fields   []Column `yaml:"fields"`    // struct: a generator for each field of the type, named like it (type may be left out)
	Elem     *Column  `yaml:"elem"`      // array: the elements' generator
	Key      *Column  `yaml:"key"`       // map: the keys' generator (never NULL; a key drawn twice in a map is drawn again)
	Value    *Column  `yaml:"value"`     // map: the values' generator

	typ   compiler.Type // a scalar column's type
	nt    *ntype        // the column's type, scalar or nested
	sub   []*Column     // a nested column's parts: its fields in type order, its element, or its key and value
	line  int           // line in the case file, for messages
	pick  []cell        // choice values
	edges []cell        // parsed edges
	cum   []float64     // choice: cumulative weights
	lo    *big.Int      // int, seq, decimal: bounds (decimal: unscaled)
	hi    *big.Int      //
	flo   float64       // float bounds
	fhi   float64       //
	start int64         // time: epoch ms of row 0
	rng   *rand.Rand    // this column's own stream, so columns do not disturb each other
}

// Dataset is the data and source of one case file.
type Dataset struct {
	File       string    // the case file, as given to ParseFile
	Seed       int64     // seed of the generator
	Rows       int       // number of records written (duplicates included)
	Duplicates float64   // fraction of records written twice in a row
	Columns    []Column  // the generated columns, in file order
	Source     string    // the CREATE STREAM statements and one CREATE TABLE per table, that velocc reads the data with
	SourceName string    // the main stream's name (the "-- data --" section); the DuckDB table has the same name
	Streams    []*Stream // the other streams' data ("-- data NAME --" sections without primary_key), in file order
	Tables     []*Table  // the tables' data ("-- data NAME --" sections with primary_key), in file order
	sourceLine int       // first line of the source section in File (0 when unknown)
	checked    bool      // check has run
	checkErr   error     // what check found
	rng        *rand.Rand
}

// Table is the data of one table of a case file (a "-- data NAME --" section). Its rows are upserts: in file order,
// a later row with the key of an earlier one replaces it, and a row with a NULL in a key column is an error that
// the table's on.error policy handles (the DuckDB side drops it).
type Table struct {
	Name          string   // the table's name: its CREATE TABLE, its files NAME.jsonl and NAME.csv, its DuckDB table
	Seed          int64    // seed of the generator (mixed with the name, so a table's columns differ from the stream's)
	Rows          int      // number of rows written, upserts of an earlier key included
	KeyDuplicates float64  // fraction of rows that take the key of an earlier row (with fresh other values)
	PrimaryKey    []string // the key columns, as the CREATE TABLE declares them
	Columns       []Column // the generated columns, in file order

	line   int   // line of the section's marker
	keyIdx []int // index in Columns of each PrimaryKey column
}

// Stream is the data of one more stream of a case file: a "-- data NAME --" section without primary_key. Its
// records are written like the main stream's, to NAME.jsonl, NAME.pretty.jsonl and NAME.csv, and DuckDB holds them
// as the table NAME.
type Stream struct {
	Name       string   // the stream's name: its CREATE STREAM, its files, its DuckDB table
	Seed       int64    // seed of the generator (mixed with the name, so two streams never draw the same values)
	Rows       int      // number of records written (duplicates included)
	Duplicates float64  // fraction of records written twice in a row
	Columns    []Column // the generated columns, in file order

	line int // line of the section's marker
}

// Case is one query pair of a case file.
type Case struct {
	File string // the case file
	Line int    // line of the "-- case NAME --" marker
	Name string
	// Velocc is the velocc text, without a trailing ';': one query (SELECT ...), or a script of several
	// statements (CREATE STREAM ... AS SELECT, INSERT INTO, SELECT ... INTO) with one bare SELECT, whose rows are
	// compared, or none when Output names the stream to compare.
	Velocc    string
	DuckDB    string // the DuckDB query, without a trailing ';'; "" only with ExpectErr
	ExpectErr string // regexp the velocc job's stderr must match; the job must fail
	// ExpectCompileErr is a regexp one of velocc's diagnostics must match; the query must not compile.
	ExpectCompileErr string
	Differs          string // why velocc's result type or rule differs from DuckDB's (docs/sql.md)
	// Pending says why velocc cannot run the case yet ("-- pending "REASON" --"): its velocc side is skipped (unless
	// -conformance.pending), its DuckDB query runs, and the case is reported as skipped.
	Pending string
	Ordered bool // compare rows in order instead of as multisets
	// Output names the stream whose rows are compared ("-- output NAME --"): one the case's statements write
	// (CREATE STREAM NAME AS SELECT, SELECT ... INTO NAME); "" compares the rows of the case's bare SELECT.
	Output string

	veloccLine int // line of the first line of Velocc in File (0 when unknown)
}

var (
	decimalTypeRE = regexp.MustCompile(`(?i)(\btype:\s*)((?:DECIMAL|NUMERIC)\s*\(\s*\d+\s*,\s*\d+\s*\))`)
	markerRE      = regexp.MustCompile(`^-- (.*?) --\s*$`)
	caseNameRE    = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	tableNameRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// ParseFile reads a case file: a data section (YAML), a source section (CREATE STREAM) and its cases.
func ParseFile(path string) (*Dataset, []*Case, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	return Parse(path, src)
}

// Parse is ParseFile on the file's contents.
func Parse(path string, src []byte) (*Dataset, []*Case, error) {
	p := &parser{file: path}
	ds, cases, err := p.parse(src)
	if err != nil {
		return nil, nil, err
	}
	if err := ds.check(); err != nil {
		return nil, nil, err
	}
	return ds, cases, nil
}

type parser struct {
	file string
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, line, fmt.Sprintf(format, args...))
}

// section is the text between two markers.
type section struct {
	marker string // the marker's text, "" before the first one
	line   int    // line of the marker
	body   []string
	first  int // line of body[0]
}

func (p *parser) parse(src []byte) (*Dataset, []*Case, error) {
	var secs []*section
	cur := &section{first: 1}
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if m := markerRE.FindStringSubmatch(line); m != nil {
			secs = append(secs, cur)
			cur = &section{marker: strings.TrimSpace(m[1]), line: n, first: n + 1}
			continue
		}
		cur.body = append(cur.body, line)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", p.file, err)
	}
	secs = append(secs, cur)

	for i, l := range secs[0].body {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return nil, nil, p.errorf(i+1, "only comments starting with '#' may come before the first section")
		}
	}
	ds := &Dataset{File: p.file}
	var cases []*Case
	var c *Case
	inDuck := false
	seenData := false
	for _, s := range secs[1:] {
		word, arg, _ := strings.Cut(s.marker, " ")
		arg = strings.TrimSpace(arg)
		switch {
		case s.marker == "data":
			if seenData || len(cases) > 0 {
				return nil, nil, p.errorf(s.line, "the data section must come once, before the cases")
			}
			seenData = true
			if err := p.parseData(ds, s); err != nil {
				return nil, nil, err
			}
			continue
		case word == "data":
			if len(cases) > 0 {
				return nil, nil, p.errorf(s.line, "the data section of a table or stream must come before the cases")
			}
			if err := p.parseNamed(ds, arg, s); err != nil {
				return nil, nil, err
			}
			continue
		case s.marker == "source":
			if ds.Source != "" || len(cases) > 0 {
				return nil, nil, p.errorf(s.line, "the source section must come once, before the cases")
			}
			ds.Source = sqlText(s.body)
			ds.sourceLine = s.first + leadingBlank(s.body)
			if ds.Source == "" {
				return nil, nil, p.errorf(s.line, "the source section is empty")
			}
			continue
		case word == "case":
			if !caseNameRE.MatchString(arg) {
				return nil, nil, p.errorf(s.line, "a case needs a name of letters, digits, '_', '.' or '-': -- case NAME --")
			}
			for _, o := range cases {
				if strings.EqualFold(o.Name, arg) {
					return nil, nil, p.errorf(s.line, "case %q is already defined at line %d", arg, o.Line)
				}
			}
			c = &Case{File: p.file, Line: s.line, Name: arg}
			cases = append(cases, c)
			inDuck = false
		case c == nil:
			return nil, nil, p.errorf(s.line, "unknown section %q before the first case (want data, data NAME, source or case NAME)", s.marker)
		case s.marker == "duckdb":
			if inDuck {
				return nil, nil, p.errorf(s.line, "case %q has two duckdb sections", c.Name)
			}
			inDuck = true
		case s.marker == "ordered":
			c.Ordered = true
		case word == "output":
			if !tableNameRE.MatchString(arg) {
				return nil, nil, p.errorf(s.line, "output needs the name of a stream the case writes: -- output NAME --")
			}
			if c.Output != "" {
				return nil, nil, p.errorf(s.line, "case %q has two outputs", c.Name)
			}
			c.Output = arg
		case word == "expect" && strings.HasPrefix(arg, "compile error "):
			re, err := quoted(strings.TrimSpace(strings.TrimPrefix(arg, "compile error ")))
			if err != nil {
				return nil, nil, p.errorf(s.line, "expect compile error: %v", err)
			}
			if _, err := regexp.Compile(re); err != nil {
				return nil, nil, p.errorf(s.line, "expect compile error: %v", err)
			}
			c.ExpectCompileErr = re
		case word == "expect" && strings.HasPrefix(arg, "error "):
			re, err := quoted(strings.TrimSpace(strings.TrimPrefix(arg, "error ")))
			if err != nil {
				return nil, nil, p.errorf(s.line, "expect error: %v", err)
			}
			if _, err := regexp.Compile(re); err != nil {
				return nil, nil, p.errorf(s.line, "expect error: %v", err)
			}
			c.ExpectErr = re
		case word == "differs":
			reason, err := quoted(arg)
			if err != nil || strings.TrimSpace(reason) == "" {
				return nil, nil, p.errorf(s.line, `differs needs a reason: -- differs "why" --`)
			}
			c.Differs = reason
		case word == "pending":
			reason, err := quoted(arg)
			if err != nil || strings.TrimSpace(reason) == "" {
				return nil, nil, p.errorf(s.line, `pending needs a reason: -- pending "why velocc cannot run it yet" --`)
			}
			c.Pending = reason
		default:
			return nil, nil, p.errorf(s.line, "unknown section %q (want case NAME, duckdb, ordered, output NAME, expect error \"RE\", expect compile error \"RE\", differs \"REASON\" or pending \"REASON\")", s.marker)
		}
		text := sqlText(s.body)
		if text == "" {
			continue
		}
		if inDuck {
			if c.DuckDB != "" {
				return nil, nil, p.errorf(s.first, "case %q: the DuckDB query comes after the options", c.Name)
			}
			c.DuckDB = text
			continue
		}
		if c.Velocc != "" {
			return nil, nil, p.errorf(s.first, "case %q: the velocc query comes after the options, in one piece", c.Name)
		}
		c.Velocc = text
		c.veloccLine = s.first + leadingBlank(s.body)
	}
	if !seenData {
		return nil, nil, fmt.Errorf("%s: no data section", p.file)
	}
	if ds.Source == "" {
		return nil, nil, fmt.Errorf("%s: no source section", p.file)
	}
	for _, c := range cases {
		switch {
		case c.Velocc == "":
			return nil, nil, p.errorf(c.Line, "case %q has no velocc query", c.Name)
		case c.ExpectErr != "" && c.ExpectCompileErr != "":
			return nil, nil, p.errorf(c.Line, "case %q expects both a run-time and a compile error", c.Name)
		case c.DuckDB == "" && c.ExpectErr == "" && c.ExpectCompileErr == "":
			return nil, nil, p.errorf(c.Line, "case %q has no DuckDB query (-- duckdb --)", c.Name)
		case c.Output != "" && c.ExpectCompileErr != "":
			return nil, nil, p.errorf(c.Line, "case %q expects a compile error: it has no output to compare", c.Name)
		}
	}
	return ds, cases, nil
}

// quoted returns the text between the double quotes of `"text"`, as written (no escapes, so regexps read as is).
func quoted(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", fmt.Errorf("want a double-quoted argument, got %s", s)
	}
	return s[1 : len(s)-1], nil
}

// leadingBlank counts the blank (or '#' comment) lines at the start of a section body.
func leadingBlank(body []string) int {
	n := 0
	for _, l := range body {
		if t := strings.TrimSpace(stripHashComment(l)); t != "" {
			break
		}
		n++
	}
	return n
}

// sqlText is the SQL of a section body: '#' comments removed, outer blank lines and the final ';' trimmed. Lines
// inside keep their positions, so that velocc's diagnostics point into the case file.
func sqlText(body []string) string {
	lines := make([]string, len(body))
	for i, l := range body {
		lines[i] = strings.TrimRight(stripHashComment(l), " \t")
	}
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	text := strings.Join(lines, "\n")
	for {
		t := strings.TrimRight(text, " \t\n")
		if !strings.HasSuffix(t, ";") {
			return t
		}
		text = strings.TrimSuffix(t, ";")
	}
}

// stripHashComment removes a '#' comment: a '#' at the start of the line or after a blank, followed by a blank or
// the end of the line, outside quotes. (DuckDB's positional '#1' is therefore not a comment.)
func stripHashComment(l string) string {
	var q byte
	for i := 0; i < len(l); i++ {
		ch := l[i]
		switch {
		case q != 0:
			if ch == q {
				q = 0
			}
		case ch == '\'' || ch == '"':
			q = ch
		case ch == '-' && i+1 < len(l) && l[i+1] == '-':
			return l // an SQL comment runs to the end of the line
		case ch == '#' && (i == 0 || l[i-1] == ' ' || l[i-1] == '\t') && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t'):
			return l[:i]
		}
	}
	return l
}

// dataSpec is the YAML of a data section.
type dataSpec struct {
	Seed       int64       `yaml:"seed"`
	Rows       *int        `yaml:"rows"`
	Duplicates float64     `yaml:"duplicates"`
	Columns    []yaml.Node `yaml:"columns"`
}

func (p *parser) parseData(ds *Dataset, s *section) error {
	// In a YAML flow mapping the comma of DECIMAL(18,6) would end the value; quote the type as the design's
	// examples leave it bare.
	text := decimalTypeRE.ReplaceAllString(strings.Join(s.body, "\n"), `$1"$2"`)
	dec := yaml.NewDecoder(strings.NewReader(text))
	dec.KnownFields(true)
	var spec dataSpec
	if err := dec.Decode(&spec); err != nil {
		return p.errorf(s.line, "data: %v", yamlErr(err, s.first))
	}
	ds.Seed, ds.Duplicates = spec.Seed, spec.Duplicates
	ds.Rows = 1000
	if spec.Rows != nil {
		ds.Rows = *spec.Rows
	}
	var err error
	ds.Columns, err = p.parseColumns(spec.Columns, s, "data")
	return err
}

// namedSpec is the YAML of a "-- data NAME --" section: a table's rows (with primary_key) or a stream's records.
type namedSpec struct {
	Seed          int64       `yaml:"seed"`
	Rows          *int        `yaml:"rows"`
	Duplicates    *float64    `yaml:"duplicates"`
	KeyDuplicates *float64    `yaml:"key_duplicates"`
	PrimaryKey    []string    `yaml:"primary_key"`
	Columns       []yaml.Node `yaml:"columns"`
}

// parseNamed reads a "-- data NAME --" section: the rows of the table NAME when it has a primary_key, else the
// records of the stream NAME.
func (p *parser) parseNamed(ds *Dataset, name string, s *section) error {
	if !tableNameRE.MatchString(name) || strings.EqualFold(name, "data") {
		return p.errorf(s.line, "the data section of a table or stream is -- data NAME --, NAME a plain identifier other than \"data\"; got %q", name)
	}
	if line := ds.namedLine(name); line > 0 {
		return p.errorf(s.line, "%q already has a data section at line %d", name, line)
	}
	what := "data " + name
	text := decimalTypeRE.ReplaceAllString(strings.Join(s.body, "\n"), `$1"$2"`)
	dec := yaml.NewDecoder(strings.NewReader(text))
	dec.KnownFields(true)
	var spec namedSpec
	if err := dec.Decode(&spec); err != nil {
		return p.errorf(s.line, "%s: %v", what, yamlErr(err, s.first))
	}
	rows := 1000
	if spec.Rows != nil {
		rows = *spec.Rows
	}
	cols, err := p.parseColumns(spec.Columns, s, what)
	if err != nil {
		return err
	}
	if spec.PrimaryKey == nil {
		if spec.KeyDuplicates != nil {
			return p.errorf(s.line, "%s: key_duplicates is for a table (a section with primary_key); a stream's repeated records are duplicates", what)
		}
		st := &Stream{Name: name, Seed: spec.Seed, Rows: rows, Columns: cols, line: s.line}
		if spec.Duplicates != nil {
			st.Duplicates = *spec.Duplicates
		}
		ds.Streams = append(ds.Streams, st)
		return nil
	}
	if spec.Duplicates != nil {
		return p.errorf(s.line, "%s: duplicates is for a stream (a section without primary_key); a table's upserts are key_duplicates", what)
	}
	t := &Table{Name: name, Seed: spec.Seed, Rows: rows, PrimaryKey: spec.PrimaryKey, Columns: cols, line: s.line}
	if spec.KeyDuplicates != nil {
		t.KeyDuplicates = *spec.KeyDuplicates
	}
	ds.Tables = append(ds.Tables, t)
	return nil
}

// namedLine is the line of the data section of the table or stream name (in any case), or 0.
func (ds *Dataset) namedLine(name string) int {
	if t := ds.table(name); t != nil {
		return t.line
	}
	if st := ds.stream(name); st != nil {
		return st.line
	}
	return 0
}

// parseColumns decodes the columns of a data section.
func (p *parser) parseColumns(nodes []yaml.Node, s *section, what string) ([]Column, error) {
	var cols []Column
	for i := range nodes {
		n := &nodes[i]
		var col Column
		if err := n.Decode(&col); err != nil {
			return nil, p.errorf(s.first+n.Line-1, "%s: column: %v", what, err)
		}
		if err := knownKeys(n); err != nil {
			return nil, p.errorf(s.first+n.Line-1, "%s: column: %v", what, err)
		}
		col.line = s.first + n.Line - 1
		cols = append(cols, col)
	}
	return cols, nil
}

// yamlErr rewrites the line numbers of a YAML error to lines of the case file.
func yamlErr(err error, first int) error {
	re := regexp.MustCompile(`line (\d+)`)
	return errors.New(re.ReplaceAllStringFunc(err.Error(), func(m string) string {
		n, _ := strconv.Atoi(m[5:])
		return "line " + strconv.Itoa(n+first-1)
	}))
}

// knownKeys rejects keys of a column mapping that Column does not have (Node.Decode does not check them).
func knownKeys(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("want a mapping such as {name: x, type: INT, gen: int}")
	}
	known := map[string]bool{}
	for _, k := range []string{"name", "type", "gen", "values", "zipf", "null_rate", "min", "max", "edges", "edge_rate",
		"min_len", "max_len", "alphabet", "start", "step_ms", "jitter_ms", "fields", "elem", "key", "value"} {
		known[k] = true
	}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		if !known[k] {
			return fmt.Errorf("unknown key %q", k)
		}
		switch {
		case k == "fields" && v.Kind == yaml.SequenceNode:
			for _, f := range v.Content {
				if err := knownKeys(f); err != nil {
					return fmt.Errorf("fields: %v", err)
				}
			}
		case k == "elem" || k == "key" || k == "value":
			if err := knownKeys(v); err != nil {
				return fmt.Errorf("%s: %v", k, err)
			}
		}
	}
	return nil
}

// duckType is the DuckDB type of a column in the CSV (TIMESTAMP is read as epoch ms).
func duckType(t compiler.Type) string {
	switch t.Kind {
	case compiler.Bool:
		return "BOOLEAN"
	case compiler.Int:
		return "INTEGER"
	case compiler.BigInt, compiler.Timestamp:
		return "BIGINT"
	case compiler.Double:
		return "DOUBLE"
	case compiler.Decimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Prec, t.Scale)
	case compiler.Date, compiler.Time, compiler.Bytes:
		return t.String()
	}
	return "VARCHAR"
}

// check validates the data set and prepares its generators. It runs once; ParseFile and the runner call it.
func (ds *Dataset) check() error {
	if ds.checked {
		return ds.checkErr
	}
	ds.checked = true
	ds.checkErr = ds.doCheck()
	return ds.checkErr
}

func (ds *Dataset) errorf(line int, format string, args ...any) error {
	if line > 0 {
		return fmt.Errorf("%s:%d: %s", ds.File, line, fmt.Sprintf(format, args...))
	}
	return fmt.Errorf("%s: %s", ds.File, fmt.Sprintf(format, args...))
}

func (ds *Dataset) doCheck() error {
	if ds.Rows < 0 {
		return ds.errorf(0, "rows must not be negative")
	}
	if ds.Duplicates < 0 || ds.Duplicates > 1 {
		return ds.errorf(0, "duplicates must be between 0 and 1")
	}
	if err := ds.checkColumns(ds.Columns, ds.Seed, "the data section"); err != nil {
		return err
	}
	for _, st := range ds.Streams {
		if st.Rows < 0 {
			return ds.errorf(st.line, "stream %q: rows must not be negative", st.Name)
		}
		if st.Duplicates < 0 || st.Duplicates > 1 {
			return ds.errorf(st.line, "stream %q: duplicates must be between 0 and 1", st.Name)
		}
		if err := ds.checkColumns(st.Columns, st.seed(), fmt.Sprintf("stream %q", st.Name)); err != nil {
			return err
		}
	}
	for _, t := range ds.Tables {
		if t.Rows < 0 {
			return ds.errorf(t.line, "table %q: rows must not be negative", t.Name)
		}
		if t.KeyDuplicates < 0 || t.KeyDuplicates > 1 {
			return ds.errorf(t.line, "table %q: key_duplicates must be between 0 and 1", t.Name)
		}
		if err := ds.checkColumns(t.Columns, t.seed(), fmt.Sprintf("table %q", t.Name)); err != nil {
			return err
		}
		if len(t.PrimaryKey) == 0 {
			return ds.errorf(t.line, "table %q needs primary_key: [column, ...]", t.Name)
		}
		t.keyIdx = t.keyIdx[:0]
		for _, k := range t.PrimaryKey {
			i := slices.IndexFunc(t.Columns, func(c Column) bool { return strings.EqualFold(c.Name, k) })
			if i < 0 {
				return ds.errorf(t.line, "table %q: primary_key column %q is not one of its columns", t.Name, k)
			}
			if slices.Contains(t.keyIdx, i) {
				return ds.errorf(t.line, "table %q: primary_key names %q twice", t.Name, k)
			}
			t.keyIdx = append(t.keyIdx, i)
		}
	}
	return ds.checkSource()
}

// checkColumns checks a data section's columns and prepares their generators.
func (ds *Dataset) checkColumns(cols []Column, seed int64, what string) error {
	if len(cols) == 0 {
		return ds.errorf(0, "%s has no columns", what)
	}
	seen := map[string]bool{}
	for i := range cols {
		c := &cols[i]
		if c.Name == "" {
			return ds.errorf(c.line, "a column needs a name")
		}
		if seen[strings.ToLower(c.Name)] {
			return ds.errorf(c.line, "column %q is defined twice", c.Name)
		}
		seen[strings.ToLower(c.Name)] = true
		if err := c.prepare(seed); err != nil {
			return ds.errorf(c.line, "column %q: %v", c.Name, err)
		}
	}
	return nil
}

// checkSource reads the source section: one CREATE STREAM for the main data section (its name is SourceName unless
// already set), one CREATE STREAM for each stream's data section and one CREATE TABLE for each table's, declaring
// the same primary key.
func (ds *Dataset) checkSource() error {
	script, err := grammar.Parse(ds.File, []byte(ds.Source))
	if err != nil && ds.nestedData() {
		// velocc's grammar does not read nested types yet: find the names by their CREATE statements, so that the
		// DuckDB side of pending cases runs (a case that is not pending fails to compile, with velocc's diagnostics).
		return ds.checkSourceNames()
	}
	if err != nil {
		msg, line := err.Error(), ds.sourceLine
		var pe *grammar.Error
		if errors.As(err, &pe) {
			msg = pe.Msg
			if line > 0 {
				line += pe.Pos.Line - 1
			}
		}
		return ds.errorf(line, "the source section does not parse: %s", msg)
	}
	main := ""
	declared := map[string]bool{}
	for _, st := range script.Statements {
		line := 0
		if ds.sourceLine > 0 {
			line = ds.sourceLine + st.Span().Start.Line - 1
		}
		cs, ok := st.(*grammar.CreateSource)
		switch {
		case !ok:
			return ds.errorf(line, "the source must be CREATE STREAM statements, with one CREATE TABLE per table")
		case cs.Kind == grammar.Stream && ds.stream(cs.Name.Name) != nil:
			declared[strings.ToLower(cs.Name.Name)] = true
		case cs.Kind == grammar.Stream:
			if ds.table(cs.Name.Name) != nil {
				return ds.errorf(line, "%q is declared by CREATE STREAM, but its data section has a primary_key, which makes it a table", cs.Name.Name)
			}
			if main != "" {
				return ds.errorf(line, "stream %q has no data section (-- data %s --); only one stream, %q, reads the main one (-- data --)", cs.Name.Name, cs.Name.Name, main)
			}
			main = cs.Name.Name
		default:
			t := ds.table(cs.Name.Name)
			if t == nil {
				if ds.stream(cs.Name.Name) != nil {
					return ds.errorf(line, "table %q: its data section has no primary_key, which makes it a stream; give it primary_key: [...]", cs.Name.Name)
				}
				return ds.errorf(line, "table %q has no data section (-- data %s --)", cs.Name.Name, cs.Name.Name)
			}
			declared[strings.ToLower(t.Name)] = true
			var key []string
			for _, c := range cs.Columns {
				if c.PrimaryKey {
					key = append(key, strings.ToLower(c.Name.Name))
				}
			}
			for _, id := range cs.PrimaryKey {
				key = append(key, strings.ToLower(id.Name))
			}
			want := make([]string, len(t.PrimaryKey))
			for i, k := range t.PrimaryKey {
				want[i] = strings.ToLower(k)
			}
			if !slices.Equal(key, want) {
				return ds.errorf(line, "table %q: the CREATE TABLE's primary key (%s) is not the data section's primary_key (%s)",
					t.Name, strings.Join(key, ", "), strings.Join(want, ", "))
			}
		}
	}
	if main == "" {
		return ds.errorf(ds.sourceLine, "the source must hold a CREATE STREAM statement for the main data section (-- data --)")
	}
	if ds.SourceName == "" {
		ds.SourceName = main
	}
	for _, st := range ds.Streams {
		if !declared[strings.ToLower(st.Name)] {
			return ds.errorf(st.line, "the data section of stream %q has no CREATE STREAM %s in the source section", st.Name, st.Name)
		}
		if strings.EqualFold(st.Name, ds.SourceName) {
			return ds.errorf(st.line, "stream %q has the main stream's name", st.Name)
		}
	}
	for _, t := range ds.Tables {
		if !declared[strings.ToLower(t.Name)] {
			return ds.errorf(t.line, "the data section of table %q has no CREATE TABLE %s in the source section", t.Name, t.Name)
		}
		if strings.EqualFold(t.Name, ds.SourceName) {
			return ds.errorf(t.line, "table %q has the stream's name", t.Name)
		}
	}
	return nil
}

// nestedData reports whether a column of the data set (of any stream or table) is a STRUCT, ARRAY or MAP.
func (ds *Dataset) nestedData() bool {
	sets := [][]Column{ds.Columns}
	for _, st := range ds.Streams {
		sets = append(sets, st.Columns)
	}
	for _, t := range ds.Tables {
		sets = append(sets, t.Columns)
	}
	for _, cols := range sets {
		for _, c := range cols {
			if c.nt.nested() {
				return true
			}
		}
	}
	return false
}

var createRE = regexp.MustCompile(`(?i)\bCREATE\s+(STREAM|TABLE)\s+("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)`)

// checkSourceNames is checkSource for a source the grammar rejects: the names of its CREATE STREAM and CREATE TABLE
// statements, the main stream's being the one without a data section of its own.
func (ds *Dataset) checkSourceNames() error {
	main := ""
	for _, m := range createRE.FindAllStringSubmatch(ds.Source, -1) {
		name := m[2]
		if strings.HasPrefix(name, `"`) {
			name = strings.ReplaceAll(name[1:len(name)-1], `""`, `"`)
		}
		if strings.EqualFold(m[1], "STREAM") && ds.stream(name) == nil && ds.table(name) == nil {
			if main != "" {
				return ds.errorf(ds.sourceLine, "stream %q has no data section (-- data %s --); only one stream, %q, reads the main one (-- data --)", name, name, main)
			}
			main = name
		}
	}
	if main == "" {
		return ds.errorf(ds.sourceLine, "the source must hold a CREATE STREAM statement for the main data section (-- data --)")
	}
	if ds.SourceName == "" {
		ds.SourceName = main
	}
	return nil
}

// stream returns the stream named name (in any case) of a "-- data NAME --" section, or nil.
func (ds *Dataset) stream(name string) *Stream {
	for _, st := range ds.Streams {
		if strings.EqualFold(st.Name, name) {
			return st
		}
	}
	return nil
}

// table returns the table named name (in any case), or nil.
func (ds *Dataset) table(name string) *Table {
	for _, t := range ds.Tables {
		if strings.EqualFold(t.Name, name) {
			return t
		}
	}
	return nil
}

// seed is the seed of the table's column generators: its Seed mixed with its name, so that a table and the stream
// with the same seed and a column of the same name do not draw the same values.
func (t *Table) seed() int64 { return nameSeed(t.Seed, t.Name) }

// seed is the seed of the stream's column generators: its Seed mixed with its name, as a table's.
func (st *Stream) seed() int64 { return nameSeed(st.Seed, st.Name) }

func nameSeed(seed int64, name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(name)))
	return seed ^ int64(h.Sum64()&math.MaxInt64)
}

// prepare parses the column's type, bounds, values and edges.
func (c *Column) prepare(seed int64) error {
	if c.Type == "" {
		return errors.New("a column needs a type")
	}
	nt, err := parseNType(c.Type, false)
	if err != nil {
		return err
	}
	return c.prepareAs(seed, strings.ToLower(c.Name), nt, false)
}

// newColumnRand is the random stream of the column (or part of a nested column) at path: a column's path is its
// lower-cased name, a part's the column's path and the part's (.field, [] for the elements, {key} and {value}).
func newColumnRand(seed int64, path string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(path))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// prepareAs prepares the column (or part of a nested column, inNested) at path as a column of type nt.
func (c *Column) prepareAs(seed int64, path string, nt *ntype, inNested bool) error {
	c.nt = nt
	if nt.nested() {
		c.typ = compiler.TInvalid
		return c.prepareNested(seed, path)
	}
	t := nt.scalar
	c.typ = t
	if err := c.prepareScalar(seed, path, t); err != nil {
		return err
	}
	if inNested {
		return c.checkNestedLeaf()
	}
	return nil
}

// prepareScalar prepares the generator of a column of a scalar type.
func (c *Column) prepareScalar(seed int64, path string, t compiler.Type) error {
	var err error
	if len(c.Fields) > 0 || c.Elem != nil || c.Key != nil || c.Value != nil {
		return fmt.Errorf("fields, elem, key and value are for STRUCT, ARRAY and MAP columns, not %s", t)
	}
	c.pick, c.edges, c.cum = nil, nil, nil // prepare runs again before each generation
	if c.NullRate < 0 || c.NullRate > 1 || c.EdgeRate < 0 || c.EdgeRate > 1 {
		return errors.New("null_rate and edge_rate must be between 0 and 1")
	}
	c.rng = newColumnRand(seed, path)
	for _, e := range c.Edges {
		v, err := literal(t, e)
		if err != nil {
			return fmt.Errorf("edge %q: %v", e, err)
		}
		c.edges = append(c.edges, v)
	}
	if len(c.edges) > 0 && c.EdgeRate == 0 {
		c.EdgeRate = 0.02
	}
	wrong := func() error { return fmt.Errorf("gen %q does not make %s values", c.Gen, t) }
	switch c.Gen {
	case "choice":
		if len(c.Values) == 0 {
			return errors.New("gen choice needs values")
		}
		total := 0.0
		for k, s := range c.Values {
			v, err := literal(t, s)
			if err != nil {
				return fmt.Errorf("value %q: %v", s, err)
			}
			c.pick = append(c.pick, v)
			total += math.Pow(float64(k+1), -c.Zipf)
			c.cum = append(c.cum, total)
		}
	case "int", "seq":
		if !t.IsInteger() && t.Kind != compiler.Timestamp && (t.Kind != compiler.Date && t.Kind != compiler.Time || c.Gen == "seq") {
			return wrong()
		}
		lo, hi := int64(-1000), int64(1000)
		if c.Gen == "seq" {
			lo = 1
		}
		if c.Min != "" {
			if lo, err = strconv.ParseInt(c.Min, 10, 64); err != nil {
				return fmt.Errorf("min: %v", err)
			}
		}
		if c.Max != "" {
			if hi, err = strconv.ParseInt(c.Max, 10, 64); err != nil {
				return fmt.Errorf("max: %v", err)
			}
		}
		if t.Kind == compiler.Int && (lo < math.MinInt32 || hi > math.MaxInt32) && c.Gen == "int" {
			return errors.New("min and max must fit INT")
		}
		if lo > hi && c.Gen == "int" {
			return errors.New("min is larger than max")
		}
		c.lo, c.hi = big.NewInt(lo), big.NewInt(hi)
	case "decimal":
		if t.Kind != compiler.Decimal {
			return wrong()
		}
		limit := new(big.Int).Sub(pow10(int(t.Prec)), big.NewInt(1)) // largest unscaled value
		c.lo, c.hi = new(big.Int).Neg(limit), limit
		thousand := new(big.Int).Mul(big.NewInt(1000), pow10(int(t.Scale)))
		if thousand.Cmp(limit) < 0 {
			c.lo, c.hi = new(big.Int).Neg(thousand), thousand
		}
		if c.Min != "" {
			v, err := literal(t, c.Min)
			if err != nil {
				return fmt.Errorf("min: %v", err)
			}
			c.lo = v.dec
		}
		if c.Max != "" {
			v, err := literal(t, c.Max)
			if err != nil {
				return fmt.Errorf("max: %v", err)
			}
			c.hi = v.dec
		}
		if c.lo.Cmp(c.hi) > 0 {
			return errors.New("min is larger than max")
		}
	case "float":
		if t.Kind != compiler.Double {
			return wrong()
		}
		c.flo, c.fhi = -1e6, 1e6
		if c.Min != "" {
			if c.flo, err = strconv.ParseFloat(c.Min, 64); err != nil {
				return fmt.Errorf("min: %v", err)
			}
		}
		if c.Max != "" {
			if c.fhi, err = strconv.ParseFloat(c.Max, 64); err != nil {
				return fmt.Errorf("max: %v", err)
			}
		}
		if !(c.flo <= c.fhi) || math.IsInf(c.fhi-c.flo, 0) {
			return errors.New("min and max must be finite, min <= max, and max-min must be finite")
		}
	case "string":
		if t.Kind != compiler.Varchar && t.Kind != compiler.Bytes {
			return wrong()
		}
		if c.MaxLen == 0 && c.MinLen == 0 {
			c.MaxLen = 12
		}
		if c.MinLen < 0 || c.MaxLen < c.MinLen {
			return errors.New("want 0 <= min_len <= max_len")
		}
		if _, ok := alphabets[c.alphabet()]; !ok {
			return fmt.Errorf("unknown alphabet %q (want ascii, unicode or digits)", c.Alphabet)
		}
	case "bool":
		if t.Kind != compiler.Bool {
			return wrong()
		}
	case "time":
		if t.Kind != compiler.Timestamp && t.Kind != compiler.BigInt {
			return wrong()
		}
		start := "2024-01-01T00:00:00Z"
		if c.Start != "" {
			start = c.Start
		}
		ts, err := time.Parse(time.RFC3339Nano, start)
		if err != nil {
			return fmt.Errorf("start: %v", err)
		}
		c.start = ts.UnixMilli()
		if c.StepMs == 0 {
			c.StepMs = 1000
		}
		if c.JitterMs < 0 {
			return errors.New("jitter_ms must not be negative")
		}
	case "":
		return errors.New("a column needs a gen (choice, int, seq, decimal, float, string, bool or time)")
	case "struct", "array", "map":
		return fmt.Errorf("gen %s makes STRUCT, ARRAY or MAP values, not %s", c.Gen, t)
	default:
		return fmt.Errorf("unknown gen %q (want choice, int, seq, decimal, float, string, bool or time; struct, array or map)", c.Gen)
	}
	return nil
}

func (c *Column) alphabet() string {
	if c.Alphabet == "" {
		return "ascii"
	}
	return c.Alphabet
}

// alphabets are the code points of the string generator. unicode mixes ASCII with two-, three- and four-byte
// UTF-8, letters with case mappings, a combining mark, and characters JSON must escape.
var alphabets = map[string][]rune{
	"ascii":   asciiRunes(),
	"digits":  []rune("0123456789"),
	"unicode": []rune("abcXYZ 09_%-'\",\\/éÉèñÑüÜçÇøÅæßΩωЖжя中文日本語한글🙂😀€₂\u0301\u00a0\u2028\t"),
}

func asciiRunes() []rune {
	var rs []rune
	for r := rune(0x20); r < 0x7f; r++ {
		rs = append(rs, r)
	}
	return rs
}

// cell is one generated value in its JSON and CSV spelling.
type cell struct {
	null bool
	json string // a JSON value (of a nested value: compact, every NULL written as null)
	csv  string // a CSV field, quoted when needed (of a nested value: its JSON text)
	dec  *big.Int
	nest *nestCell // a STRUCT, ARRAY or MAP value
}

var nullCell = cell{null: true}

// literal reads a value written in the data section (values, edges, min, max) as a value of type t.
func literal(t compiler.Type, s string) (cell, error) {
	switch t.Kind {
	case compiler.Bool:
		switch strings.ToLower(s) {
		case "true":
			return boolCell(true), nil
		case "false":
			return boolCell(false), nil
		}
		return cell{}, errors.New("want true or false")
	case compiler.Int, compiler.BigInt:
		bits := 64
		if t.Kind == compiler.Int {
			bits = 32
		}
		v, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			return cell{}, err
		}
		return intCell(v), nil
	case compiler.Double:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return cell{}, err
		}
		return floatCell(f), nil
	case compiler.Decimal:
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return cell{}, errors.New("not a decimal number")
		}
		r.Mul(r, new(big.Rat).SetInt(pow10(int(t.Scale))))
		if !r.IsInt() {
			return cell{}, fmt.Errorf("more than %d digits after the point", t.Scale)
		}
		u := r.Num()
		if new(big.Int).Abs(u).Cmp(pow10(int(t.Prec))) >= 0 {
			return cell{}, fmt.Errorf("does not fit %s", t)
		}
		return decCell(u, int(t.Scale)), nil
	case compiler.Varchar:
		return strCell(s, false), nil
	case compiler.Date:
		if _, err := time.Parse("2006-01-02", s); err != nil {
			return cell{}, errors.New("want YYYY-MM-DD")
		}
		return strCell(s, false), nil
	case compiler.Time:
		if _, err := time.Parse("15:04:05.999", s); err != nil {
			return cell{}, errors.New("want HH:MM:SS[.fff]")
		}
		return strCell(s, false), nil
	case compiler.Bytes:
		return strCell(s, false), nil // DuckDB's BLOB text, \xHH for a byte
	case compiler.Timestamp:
		if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
			return intCell(ms), nil
		}
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return cell{}, errors.New("want epoch milliseconds or an RFC 3339 time")
		}
		return intCell(ts.UnixMilli()), nil
	}
	return cell{}, fmt.Errorf("unsupported type %s", t)
}

func boolCell(b bool) cell {
	s := strconv.FormatBool(b)
	return cell{json: s, csv: s}
}

func intCell(v int64) cell {
	s := strconv.FormatInt(v, 10)
	return cell{json: s, csv: s}
}

func floatCell(f float64) cell {
	switch {
	case math.IsNaN(f):
		return cell{json: `"NaN"`, csv: "NaN"}
	case math.IsInf(f, 1):
		return cell{json: `"Infinity"`, csv: "Infinity"}
	case math.IsInf(f, -1):
		return cell{json: `"-Infinity"`, csv: "-Infinity"}
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	return cell{json: s, csv: s}
}

// decCell writes the unscaled value u at scale s with exactly s digits after the point.
func decCell(u *big.Int, s int) cell {
	digits := new(big.Int).Abs(u).String()
	if len(digits) <= s {
		digits = strings.Repeat("0", s-len(digits)+1) + digits
	}
	text := digits
	if s > 0 {
		text = digits[:len(digits)-s] + "." + digits[len(digits)-s:]
	}
	if u.Sign() < 0 {
		text = "-" + text
	}
	return cell{json: text, csv: text, dec: new(big.Int).Set(u)}
}

// strCell spells a string. escapeAll writes every non-ASCII code point as a \u escape (surrogate pairs beyond the
// BMP), which velocc's JSON decoder must read back to the same text.
func strCell(s string, escapeAll bool) cell {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x2028 || r == 0x2029 || (escapeAll && r >= 0x80):
			if r > 0xffff {
				r -= 0x10000
				fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	csv := s
	if s == "" || strings.ContainsAny(s, ",\"\r\n") || strings.TrimSpace(s) != s || s != strings.Trim(s, "\u00a0") {
		csv = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return cell{json: b.String(), csv: csv}
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// value draws the column's value for logical row i.
func (c *Column) value(i int) cell {
	if c.nt.nested() {
		return c.nestedValue(i)
	}
	r := c.rng
	if c.NullRate > 0 && r.Float64() < c.NullRate {
		return nullCell
	}
	if len(c.edges) > 0 && r.Float64() < c.EdgeRate {
		return c.edges[r.IntN(len(c.edges))]
	}
	switch c.Gen {
	case "choice":
		x := r.Float64() * c.cum[len(c.cum)-1]
		for k, w := range c.cum {
			if x < w {
				return c.pick[k]
			}
		}
		return c.pick[len(c.pick)-1]
	case "seq":
		return intCell(c.lo.Int64() + int64(i))
	case "int":
		return temporalCell(c.typ, randBig(r, c.lo, c.hi).Int64())
	case "decimal":
		return decCell(randBig(r, c.lo, c.hi), int(c.typ.Scale))
	case "float":
		return floatCell(c.flo + r.Float64()*(c.fhi-c.flo))
	case "string":
		n := c.MinLen + r.IntN(c.MaxLen-c.MinLen+1)
		if c.typ.Kind == compiler.Bytes {
			b := make([]byte, n)
			for k := range b {
				b[k] = byte(r.IntN(256))
			}
			return strCell(blobText(b), false)
		}
		al := alphabets[c.alphabet()]
		rs := make([]rune, n)
		for k := range rs {
			rs[k] = al[r.IntN(len(al))]
		}
		s := string(rs)
		if !utf8.ValidString(s) {
			panic("generated invalid UTF-8")
		}
		return strCell(s, c.alphabet() == "unicode" && r.IntN(4) == 0)
	case "bool":
		return boolCell(r.IntN(2) == 1)
	case "time":
		ts := c.start + int64(i)*c.StepMs
		if c.JitterMs > 0 {
			ts += r.Int64N(c.JitterMs + 1)
		}
		return intCell(ts)
	}
	panic("unknown gen " + c.Gen)
}

// randBig draws uniformly from [lo, hi].
func randBig(r *rand.Rand, lo, hi *big.Int) *big.Int {
	span := new(big.Int).Sub(hi, lo)
	span.Add(span, big.NewInt(1))
	if span.IsUint64() {
		n := span.Uint64()
		var v uint64
		if n == 0 { // the full 2^64 range
			v = r.Uint64()
		} else {
			v = r.Uint64N(n)
		}
		return new(big.Int).Add(lo, new(big.Int).SetUint64(v))
	}
	// Wider spans: draw 64-bit words and reduce (the bias is negligible for test data).
	words := span.BitLen()/64 + 2
	v := new(big.Int)
	for k := 0; k < words; k++ {
		v.Lsh(v, 64)
		v.Or(v, new(big.Int).SetUint64(r.Uint64()))
	}
	v.Mod(v, span)
	return v.Add(v, lo)
}

// PrettyFile is the name of the file Generate writes next to data.jsonl with the same records in the pretty
// style: Python's separators (", " and ": ") and random whitespace wherever JSON allows it.
const PrettyFile = "data.pretty.jsonl"

// Generate writes the data set to dir/data.jsonl and dir/data.csv and returns their paths; it also writes the
// records of data.jsonl in the pretty style to dir/PrettyFile, and each stream's records and table's rows to
// dir/NAME.jsonl, dir/NAME.pretty.jsonl and dir/NAME.csv (DataFiles). The output depends only on the data set (its
// seeds), never on time or the machine.
func (ds *Dataset) Generate(dir string) (jsonl, csv string, err error) {
	if err := ds.check(); err != nil {
		return "", "", err
	}
	if err := generateStream(dir, "data", ds.Columns, ds.Seed, ds.Rows, ds.Duplicates); err != nil {
		return "", "", err
	}
	for _, st := range ds.Streams {
		if err := generateStream(dir, st.Name, st.Columns, st.seed(), st.Rows, st.Duplicates); err != nil {
			return "", "", err
		}
	}
	for _, t := range ds.Tables {
		if err := t.generate(dir); err != nil {
			return "", "", err
		}
	}
	return filepath.Join(dir, "data.jsonl"), filepath.Join(dir, "data.csv"), nil
}

// generateStream writes the records of a stream to dir/base.jsonl, dir/base.pretty.jsonl and dir/base.csv: rows
// records, a fraction dups of them written twice in a row.
func generateStream(dir, base string, cols []Column, seed int64, rows int, dups float64) error {
	// Re-seed, so that generating twice gives the same data.
	for i := range cols {
		if err := cols[i].prepare(seed); err != nil {
			return err
		}
	}
	dup := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	pretty := rand.New(rand.NewPCG(uint64(seed), 0x9e77)) // its own stream: base.jsonl stays as it was
	w := newDataWriter(cols, dup, pretty)
	row := make([]cell, len(cols))
	for written, logical := 0, 0; written < rows; logical++ {
		for k := range cols {
			row[k] = cols[k].value(logical)
		}
		n := 1
		if dups > 0 && dup.Float64() < dups {
			n = 2
		}
		for ; n > 0 && written < rows; n-- {
			w.write(row)
			written++
		}
	}
	return w.save(dir, base)
}

// DataFiles are the paths of the data of the stream or table name in dir, as Generate writes them.
func DataFiles(dir, name string) (jsonl, pretty, csv string) {
	return filepath.Join(dir, name+".jsonl"), filepath.Join(dir, name+".pretty.jsonl"), filepath.Join(dir, name+".csv")
}

// Files are the paths of the table's data in dir, as Generate writes them.
func (t *Table) Files(dir string) (jsonl, pretty, csv string) { return DataFiles(dir, t.Name) }

// Files are the paths of the stream's data in dir, as Generate writes them.
func (st *Stream) Files(dir string) (jsonl, pretty, csv string) { return DataFiles(dir, st.Name) }

// generate writes the table's rows. A row is a key duplicate with probability KeyDuplicates: it takes the key of
// an earlier row (one with no NULL in its key, drawn uniformly) and keeps its own other values, so that it replaces
// that row in the table.
func (t *Table) generate(dir string) error {
	for i := range t.Columns {
		if err := t.Columns[i].prepare(t.seed()); err != nil {
			return err
		}
	}
	dup := rand.New(rand.NewPCG(uint64(t.seed()), 0x5eed))
	pretty := rand.New(rand.NewPCG(uint64(t.seed()), 0x9e77))
	w := newDataWriter(t.Columns, dup, pretty)
	row := make([]cell, len(t.Columns))
	var keys [][]cell // the keys written so far, without NULLs
	for i := 0; i < t.Rows; i++ {
		for k := range t.Columns {
			row[k] = t.Columns[k].value(i)
		}
		if t.KeyDuplicates > 0 && dup.Float64() < t.KeyDuplicates && len(keys) > 0 {
			key := keys[dup.IntN(len(keys))]
			for j, k := range t.keyIdx {
				row[k] = key[j]
			}
		} else if key := t.key(row); key != nil {
			keys = append(keys, key)
		}
		w.write(row)
	}
	return w.save(dir, t.Name)
}

// key is the row's key, or nil when a key column is NULL.
func (t *Table) key(row []cell) []cell {
	key := make([]cell, len(t.keyIdx))
	for j, k := range t.keyIdx {
		if row[k].null {
			return nil
		}
		key[j] = row[k]
	}
	return key
}

// dataWriter writes records three ways: JSON lines, pretty JSON lines and CSV (with a header).
type dataWriter struct {
	cols          []Column
	nulls, pretty *rand.Rand // how each NULL is written in JSON; the pretty style's whitespace
	j, p, c       bytes.Buffer
}

func newDataWriter(cols []Column, nulls, pretty *rand.Rand) *dataWriter {
	w := &dataWriter{cols: cols, nulls: nulls, pretty: pretty}
	for i, c := range cols {
		if i > 0 {
			w.c.WriteByte(',')
		}
		w.c.WriteString(strCell(c.Name, false).csv)
	}
	w.c.WriteByte('\n')
	return w
}

func (w *dataWriter) write(row []cell) {
	writeJSON(&w.j, w.cols, row, w.nulls)
	writePrettyJSON(&w.p, w.cols, row, w.pretty)
	writeCSV(&w.c, row)
}

// save writes dir/base.jsonl, dir/base.pretty.jsonl and dir/base.csv.
func (w *dataWriter) save(dir, base string) error {
	for _, f := range []struct {
		ext string
		b   *bytes.Buffer
	}{{".jsonl", &w.j}, {".pretty.jsonl", &w.p}, {".csv", &w.c}} {
		if err := os.WriteFile(filepath.Join(dir, base+f.ext), f.b.Bytes(), 0o666); err != nil {
			return err
		}
	}
	return nil
}

// writeJSON writes one record. A NULL is written as null or, half of the time, left out (a missing key is NULL).
func writeJSON(b *bytes.Buffer, cols []Column, row []cell, r *rand.Rand) {
	b.WriteByte('{')
	first := true
	for k, c := range row {
		if c.null && r.IntN(2) == 0 {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		name, _ := json.Marshal(cols[k].Name)
		b.Write(name)
		b.WriteByte(':')
		writeValue(b, c, func() bool { return r.IntN(2) == 0 }, nil)
	}
	b.WriteString("}\n")
}

// writePrettyJSON writes one record as Python's json.dumps does (", " and ": "), with runs of spaces, tabs and
// carriage returns added at random wherever JSON allows whitespace, as a pretty printer's indentation would be on
// one line. A NULL is written as null or, half of the time, left out.
func writePrettyJSON(b *bytes.Buffer, cols []Column, row []cell, r *rand.Rand) {
	space := func() {
		if r.IntN(3) == 0 {
			for n := 1 + r.IntN(4); n > 0; n-- {
				b.WriteByte(" \t\r"[r.IntN(3)])
			}
		}
	}
	space()
	b.WriteByte('{')
	first := true
	for k, c := range row {
		if c.null && r.IntN(2) == 0 {
			continue
		}
		space()
		if !first {
			b.WriteString(", ")
			space()
		}
		first = false
		name, _ := json.Marshal(cols[k].Name)
		b.Write(name)
		space()
		b.WriteString(": ")
		space()
		writeValue(b, c, func() bool { return r.IntN(2) == 0 }, space)
	}
	space()
	b.WriteByte('}')
	space()
	b.WriteByte('\n')
}

// writeCSV writes one record: NULL is an empty unquoted field.
func writeCSV(b *bytes.Buffer, row []cell) {
	for k, c := range row {
		if k > 0 {
			b.WriteByte(',')
		}
		if !c.null {
			b.WriteString(c.csv)
		}
	}
	b.WriteByte('\n')
}

// temporalCell writes a drawn integer as a value of t: days since 1970-01-01 as a DATE's text, milliseconds since
// midnight as a TIME's, any other type as the integer.
func temporalCell(t compiler.Type, v int64) cell {
	switch t.Kind {
	case compiler.Date:
		return strCell(time.UnixMilli(v*86_400_000).UTC().Format("2006-01-02"), false)
	case compiler.Time:
		return strCell(time.UnixMilli(v).UTC().Format("15:04:05.000"), false)
	}
	return intCell(v)
}

// blobText is DuckDB's text of a BLOB: printable ASCII but the quotes and the backslash as is, every other byte as
// \xHH (upper case).
func blobText(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c <= 0x7e && c != '"' && c != '\'' && c != '\\' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "\\x%02X", c)
		}
	}
	return sb.String()
}
