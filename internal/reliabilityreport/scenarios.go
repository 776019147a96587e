package reliabilityreport

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scenario is one test of the suite, as its source declares it.
type Scenario struct {
	Name string
	// Description is the first sentence of the test's doc comment.
	Description string
}

// Scenarios lists the tests of the _test.go files at the root of suite, in
// the order go test runs them: files by name, then functions in source
// order. A test without a doc comment is an error: the report would have
// nothing to say of it.
func Scenarios(suite fs.FS) ([]Scenario, error) {
	files, err := fs.Glob(suite, "*_test.go")
	if err != nil {
		return nil, err
	}
	var out []Scenario
	fset := token.NewFileSet()
	for _, name := range files {
		src, err := fs.ReadFile(suite, name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || !isTest(fn) {
				continue
			}
			description := new(doc.Package).Synopsis(fn.Doc.Text())
			if description == "" {
				return nil, fmt.Errorf("%s: %s has no doc comment to describe it", name, fn.Name.Name)
			}
			out = append(out, Scenario{Name: fn.Name.Name, Description: description})
		}
	}
	return out, nil
}

// isTest says whether fn is a test go test runs: func TestXxx(*testing.T),
// Xxx not starting with a lower-case letter.
func isTest(fn *ast.FuncDecl) bool {
	rest, ok := strings.CutPrefix(fn.Name.Name, "Test")
	if !ok || fn.Recv != nil || fn.Type.Params.NumFields() != 1 {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLower(r) {
		return false
	}
	star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "T" && fmt.Sprint(sel.X) == "testing"
}
