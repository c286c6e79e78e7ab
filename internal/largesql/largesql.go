// Package largesql makes scripts whose size grows with n, in the shapes that once made velocc's checker or its
// generated code quadratic in the script's size: deep nesting, long operator chains in every clause, long CASE
// and IN lists, many statements. The tests of the compiler and of codegen use them to check that the cost of a
// script stays linear in its size.
package largesql

import (
	"fmt"
	"strings"
)

// Stream declares the source every script reads: t (sym VARCHAR, qty BIGINT).
const Stream = "CREATE STREAM t (sym VARCHAR, qty BIGINT) WITH ('type'='file_source', 'path'='t.jsonl');\n"

// Scripts are the shapes, by name: each returns a valid script of Stream and queries of size about n.
var Scripts = map[string]func(n int) string{
	"nested calls": func(n int) string {
		return Stream + "SELECT " + Nest("ABS(", "qty", ")", n) + " AS x FROM t;\n"
	},
	"nested parentheses": func(n int) string {
		return Stream + "SELECT " + Nest("(qty + ", "1", ")", n) + " AS x FROM t;\n"
	},
	"long sum": func(n int) string {
		return Stream + "SELECT " + strings.Repeat("qty + ", n) + "qty AS x FROM t;\n"
	},
	"long WHERE": func(n int) string {
		return Stream + "SELECT sym FROM t WHERE " + Terms(n, " OR ", "qty = %d") + ";\n"
	},
	"nested OR": func(n int) string {
		return Stream + "SELECT sym FROM t WHERE " + Nest("(qty = 1 OR ", "qty = 2", ")", n) + ";\n"
	},
	"nested CASE": func(n int) string {
		return Stream + "SELECT " + Nest("CASE WHEN qty = 1 THEN 'a' ELSE ", "'b'", " END", n) + " AS c FROM t;\n"
	},
	"long HAVING": func(n int) string {
		return Stream + "SELECT sym, SUM(qty) AS s FROM t GROUP BY sym HAVING " + Terms(n, " AND ", "SUM(qty) > %d") + " EMIT FINAL;\n"
	},
	"grouped nesting": func(n int) string {
		return Stream + "SELECT sym, " + Nest("ABS(", "SUM(qty)", ")", n) + " AS x FROM t GROUP BY sym EMIT FINAL;\n"
	},
	"long CASE": func(n int) string {
		return Stream + "SELECT CASE " + Terms(n, " ", "WHEN qty = %d THEN 'x'") + " ELSE 'y' END AS c FROM t;\n"
	},
	"long IN": func(n int) string {
		return Stream + "SELECT sym FROM t WHERE qty IN (" + Terms(n, ", ", "%d") + ");\n"
	},
	"many queries": func(n int) string {
		return Stream + Terms(n/10, "\n", "SELECT sym, qty + %d AS x FROM t;")
	},
}

// Nest wraps inner in n levels of open ... close: Nest("ABS(", "x", ")", 2) is "ABS(ABS(x))".
func Nest(open, inner, close string, n int) string {
	return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
}

// Terms joins n instances of format, each formatted with its index, with sep.
func Terms(n int, sep, format string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(format, i)
	}
	return strings.Join(parts, sep)
}
