// Command velocc compiles a streaming SQL script into a specialized Go program; run 'velocc help' for usage.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
