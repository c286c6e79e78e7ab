// Evaluation errors: a SQL expression that cannot be computed for a record, such as an integer overflow.

package rt

import "strconv"

// ExprError is a failure to evaluate a SQL expression, such as an integer overflow or a CAST that does not fit.
// It is fatal: it stops the job whatever the source's on.error says. Its text names the expression's place in the
// script, the expression, and the record being read:
//
//	job.sql:12:8: integer overflow in "a + b" at orders.jsonl:77
type ExprError struct {
	SQLPos string // file:line:col of the expression in the script
	What   string // what went wrong: "integer overflow", "value out of range for INT", ...
	SQL    string // the expression's SQL text; "" if unknown
	Record string // the record being read: "orders.jsonl:77" or "orders[2]@1234"; "" when merging partial results
}

// Error returns the message described on ExprError.
func (e *ExprError) Error() string {
	msg := e.What
	if e.SQL != "" {
		msg += " in " + strconv.Quote(e.SQL)
	}
	if e.SQLPos != "" {
		msg = e.SQLPos + ": " + msg
	}
	if e.Record != "" {
		msg += " at " + e.Record
	}
	return msg
}

// EvalError returns the *ExprError for an expression at sqlPos whose text is sql, failing as what says, for the
// current record of src (nil when no record is being read).
func EvalError(src *Source, sqlPos, what, sql string) error {
	e := &ExprError{SQLPos: sqlPos, What: what, SQL: sql}
	if src != nil {
		e.Record = src.Position()
	}
	return e
}
