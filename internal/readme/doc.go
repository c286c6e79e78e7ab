// Package readme holds the test that runs the shell blocks of the repository's README.md as a user would paste
// them, and checks their output against the README's; see readme_test.go for how blocks are marked.
package readme
