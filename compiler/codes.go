// Stable error codes. Codes are never renumbered: new codes go at the end. docs/errors.md shows an example of
// offending SQL for each.
package compiler

// Code identifies a class of diagnostic.
type Code uint16

// The diagnostic codes.
const (
	CodeSyntax           Code = iota + 1 // SELECT FROM t
	CodeTooMany                          // more than 50 errors in one script
	CodeUnknownSource                    // SELECT a FROM nope
	CodeUnknownColumn                    // SELECT pirce FROM orders
	CodeAmbiguous                        // a name matching two columns
	CodeUnknownFunction                  // SELECT frob(a) FROM t
	CodeTypeMismatch                     // 'a' + 1
	CodeArgCount                         // ROUND()
	CodeAggregateContext                 // SUM(x) in WHERE or GROUP BY
	CodeNestedAggregate                  // SUM(COUNT(*))
	CodeNotGrouped                       // SELECT price ... GROUP BY symbol
	CodeHavingContext                    // HAVING without GROUP BY or aggregates
	CodeWindow                           // WINDOW TUMBLING(symbol, 1m)
	CodeMissingSink                      // CREATE STREAM out AS SELECT ... with no sink configured
	CodeUnsupported                      // a subquery, RIGHT JOIN, INSERT
	CodeDuplicate                        // two sources or output columns with one name
	CodeBadType                          // DECIMAL(40, 2)
	CodeBadProperty                      // 'on.error' = 'explode'
	CodeUnknownProperty                  // a WITH key velocc does not know (warning)
	CodeConfig                           // a problem inside a YAML config file
	CodeBadLiteral                       // INTERVAL 'x' MINUTE, 99999999999999999999 as BIGINT
	CodeRepeatedClause                   // GROUP BY given twice
	CodeNoStatements                     // a script with no query
	CodeAvroSchema                       // an Avro schema file that is missing, invalid or does not match the columns
	CodeJoinScan                         // a JOIN whose ON does not fix the table's primary key (warning)
	CodeDerived                          // FROM a stream of a GROUP BY's changes
	CodeUnboundedJoin                    // a join of two streams without a time bound
	CodeProtoSchema                      // a .proto file that is missing, invalid or does not match the columns
	CodeMetric                           // a -- @metric annotation velocc cannot use: -- @metric: orders (a counter without _total)
)
