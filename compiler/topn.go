// Checking of ORDER BY and LIMIT: top-N rows per batch of an aggregating EMIT FINAL query (one window's rows,
// or the rows at the end of bounded input), or of the whole input of a query that does not aggregate.
package compiler

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/velocc/velocc/grammar"
)

// OrderKey is one ORDER BY key of a query.
type OrderKey struct {
	// Column is the output column the key sorts by (named by its alias or 1-based position); -1 when the key is
	// an expression of its own, Expr: a group expression in an aggregating query, a row expression otherwise.
	Column     int
	Expr       Expr
	Desc       bool
	NullsFirst bool   // NULLS FIRST; DuckDB's default is NULLS LAST, ascending or descending
	SQL        string // the key as written, for comments
	Nullable   bool   // derived: the key can be NULL
}

// orderWorks says where ORDER BY and LIMIT work, for the messages that reject them elsewhere.
const orderWorks = "ORDER BY ... LIMIT n works in an aggregating query with EMIT FINAL (the top n rows of each window, or of the final rows) and in a query that does not aggregate (the top n rows of the whole bounded input)"

// orderLimit checks sel's ORDER BY and LIMIT into qc.q.Order and qc.q.Limit; it reports false after an error.
// It runs once SELECT, HAVING and EMIT are checked.
func (c *checker) orderLimit(qc *qctx, sel *grammar.Select) bool {
	if sel.OrderBy == nil && sel.Limit == nil {
		return true
	}
	q := qc.q
	at := func() grammar.Span {
		if sel.OrderBy != nil {
			return sel.OrderBy.Span()
		}
		return sel.Limit.Span()
	}
	what := "ORDER BY"
	switch {
	case sel.OrderBy == nil:
		what = "LIMIT"
	case sel.Limit != nil:
		what = "ORDER BY and LIMIT"
	}
	ok := true
	if sel.Limit != nil {
		n, err := strconv.ParseInt(sel.Limit.N, 10, 64)
		if err != nil || n <= 0 {
			c.errorf(CodeUnsupported, sel.Limit.Span(), "LIMIT must be a positive whole number, got %q", sel.Limit.N)
			ok = false
		}
		q.Limit = n
	}
	switch {
	case q.Over != nil:
		c.errorf(CodeUnsupported, at(), "%s is not supported in a query with window functions (OVER); %s", what, orderWorks)
		return false
	case q.Grouped && q.Emit == EmitChanges:
		c.errorf(CodeUnsupported, at(), "%s needs EMIT FINAL in an aggregating query: EMIT CHANGES updates rows as records arrive, which has no order; add EMIT FINAL to sort the rows of each window, or of the end of the input", what)
		return false
	case q.Window != nil && q.Window.Kind == Session:
		c.errorf(CodeUnsupported, at(), "%s is not supported with SESSION windows, which close per key; use a TUMBLING or HOPPING window, whose windows close for all keys at once", what)
		return false
	case q.Window != nil && q.Window.Late == LateUpdatePrevious:
		c.errorf(CodeUnsupported, at(), "%s is not supported with 'late.data.strategy' = 'update_previous', which emits a window's rows again after it closed; use drop, dead_letter or include_in_next", what)
		return false
	case !q.Grouped && sel.OrderBy != nil && sel.Limit == nil:
		c.errorf(CodeUnsupported, at(), "ORDER BY without LIMIT in a query that does not aggregate would hold the whole input; add LIMIT n for the top n rows, written at the end of bounded input")
		return false
	}
	if sel.OrderBy == nil {
		return ok
	}
	for _, it := range sel.OrderBy.Items {
		k := &OrderKey{Column: -1, Desc: it.Desc, SQL: c.loc(it.Span()).Text}
		if it.NullsFirst != nil {
			k.NullsFirst = *it.NullsFirst
		}
		switch e := unparen(it.Expr).(type) {
		case *grammar.Literal:
			if e.Kind == grammar.LitNumber {
				i, err := strconv.Atoi(e.Text)
				if err != nil || i < 1 || i > len(q.Columns) {
					c.errorf(CodeUnsupported, e.Span(), "ORDER BY position %s is not an output column: the query has %d (1 to %d)", e.Text, len(q.Columns), len(q.Columns))
					ok = false
					continue
				}
				k.Column = i - 1
			}
		case *grammar.Column:
			if e.Qualifier == nil {
				for i, col := range q.Columns {
					if strings.EqualFold(col.Name, e.Name.Name) {
						k.Column = i
						break
					}
				}
			}
		}
		if k.Column < 0 {
			mode := modeRow
			if q.Grouped {
				mode = modeHaving
			}
			qc.clause = "ORDER BY"
			x := c.expr(qc, it.Expr, mode)
			qc.clause = ""
			if x == nil {
				ok = false
				continue
			}
			k.Expr = x
		}
		q.Order = append(q.Order, k)
	}
	return ok
}

// lowerOrder fills in the derived facts of q's ORDER BY and LIMIT.
func lowerOrder(q *Query) {
	q.Batch = len(q.Order) > 0 || q.Grouped && q.Limit > 0
	for _, k := range q.Order {
		if k.Column >= 0 {
			k.Nullable = q.Columns[k.Column].Nullable
		} else {
			k.Nullable = Nullable(k.Expr)
		}
	}
}

// orderText describes q's ORDER BY and LIMIT for explain; "" when it has neither.
func orderText(q *Query) string {
	var parts []string
	for _, k := range q.Order {
		key := ""
		if k.Column >= 0 {
			key = q.Columns[k.Column].Name
		} else {
			key = ExprString(k.Expr)
		}
		dir, nulls := "ASC", "NULLS LAST"
		if k.Desc {
			dir = "DESC"
		}
		if k.NullsFirst {
			nulls = "NULLS FIRST"
		}
		parts = append(parts, fmt.Sprintf("%s %s %s", key, dir, nulls))
	}
	var out []string
	if len(parts) > 0 {
		out = append(out, "order by: "+strings.Join(parts, ", "))
	}
	if q.Limit > 0 {
		out = append(out, fmt.Sprintf("limit: %d", q.Limit))
	}
	if len(out) == 0 {
		return ""
	}
	batch := "per batch of final rows"
	switch {
	case q.Window != nil:
		batch = "per window"
	case !q.Grouped && len(q.Order) > 0:
		batch = "of the whole input, written at its end"
	case !q.Grouped:
		batch = "the first rows as they arrive"
	}
	return strings.Join(out, "; ") + " (" + batch + ")"
}
