// Tests for the regular expression functions' binding: constant patterns become job variables, once each.
package compiler

import (
	"strings"
	"testing"
)

const regexpSource = "CREATE STREAM t (s VARCHAR, p VARCHAR) WITH ('path' = 't.jsonl');\n"

// selectFuncs returns the function calls of the plan's first query's SELECT list.
func selectFuncs(t *testing.T, src string) (*Plan, []*Func) {
	t.Helper()
	plan, ds := Compile("job.sql", []byte(regexpSource+src), nil)
	if ds.HasErrors() {
		t.Fatalf("%s", ds)
	}
	var fs []*Func
	for _, c := range plan.Queries[0].Columns {
		f, ok := c.Expr.(*Func)
		if !ok {
			t.Fatalf("%s is %T, not a call", c.Name, c.Expr)
		}
		fs = append(fs, f)
	}
	return plan, fs
}

func TestRegexpPrepared(t *testing.T) {
	plan, fs := selectFuncs(t, "SELECT REGEXP_MATCHES(s, 'a+', 'i') AS a, REGEXP_EXTRACT(s, 'a+', 0, 'ci i') AS b, "+
		"REGEXP_REPLACE(s, 'a+', 'x', 'ig') AS c, REGEXP_MATCHES(s, 'a+') AS d, REGEXP_MATCHES(s, p, 'is') AS e, "+
		"REGEXP_EXTRACT(s, p, 1) AS f FROM t;")
	// 'a+' case-insensitive is one variable whatever the function and the 'g' option; 'a+' case-sensitive another.
	if len(plan.Prepared) != 2 {
		t.Fatalf("%d prepared values, want 2: %+v", len(plan.Prepared), plan.Prepared)
	}
	want := []struct {
		fn   string
		vari string // the prepared variable passed in the pattern's place, "" for none
		args int
		form Form
		ints []int64
	}{
		{"RegexpMatches", plan.Prepared[0].Var, 2, FormCall, nil},
		{"RegexpExtract", plan.Prepared[0].Var, 2, FormCall, []int64{0}},
		{"RegexpReplace", plan.Prepared[0].Var, 3, FormCall, []int64{reFold | reGlobal}},
		{"RegexpMatches", plan.Prepared[1].Var, 2, FormCall, nil},
		{"RegexpMatchesDyn", "", 2, FormOrError, []int64{reFold | reDotNL}},
		{"RegexpExtractDyn", "", 2, FormCall, []int64{1, 0}},
	}
	for i, w := range want {
		impl := fs[i].Impl
		vari := ""
		if impl.Prep != nil {
			vari = impl.Prep.Var
			if impl.PrepArg != 1 {
				t.Errorf("column %d: the prepared value replaces argument %d, not the pattern", i, impl.PrepArg)
			}
		}
		var ints []int64
		for _, c := range impl.After {
			ints = append(ints, c.Int)
		}
		if impl.Func != w.fn || vari != w.vari || len(fs[i].Args) != w.args || impl.Form != w.form || !equalInts(ints, w.ints) {
			t.Errorf("column %d: %s(%s, %d args) form %d, after %v; want %s(%s, %d args) form %d, after %v",
				i, impl.Func, vari, len(fs[i].Args), impl.Form, ints, w.fn, w.vari, w.args, w.form, w.ints)
		}
	}
	if p := plan.Prepared[0]; p.Func != "MustRegexp" || p.Str != "a+" || p.Int != reFold || !strings.HasPrefix(p.SQL, "REGEXP_MATCHES(s, 'a+', 'i')") {
		t.Errorf("prepared[0] = %+v", p)
	}
	if p := plan.Prepared[1]; p.Str != "a+" || p.Int != 0 || p.Var == plan.Prepared[0].Var {
		t.Errorf("prepared[1] = %+v", p)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRegexpPatternError checks that an invalid constant pattern is reported at the pattern.
func TestRegexpPatternError(t *testing.T) {
	src := regexpSource + "SELECT REGEXP_REPLACE(s, 'a(b', 'x') AS a FROM t;"
	_, ds := Compile("job.sql", []byte(src), nil)
	if len(ds) != 1 {
		t.Fatalf("diagnostics: %s", ds)
	}
	d := ds[0]
	if col := strings.Index(strings.Split(src, "\n")[1], "'a(b'") + 1; d.Line != 2 || d.Col != col || d.Code != CodeBadLiteral {
		t.Errorf("%s (code %d), want line 2, column %d, code %d", d, d.Code, col, CodeBadLiteral)
	}
}
