// Command reasons writes the table of every condition reason the operator
// gives, with what each means, from the Reason constants of api/v1alpha1 and
// their doc comments, into docs/province-it.md between its markers: the
// guide cannot fall behind the code.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/egov-vn/egov-operator/hack/internal/docsection"
)

const (
	begin = "<!-- BEGIN generated reasons: hack/reasons -->"
	end   = "<!-- END generated reasons -->"
)

func main() {
	api := flag.String("api", "api/v1alpha1", "directory of the API types")
	doc := flag.String("doc", "docs/province-it.md", "guide to write the table into")
	flag.Parse()
	if err := rewrite(*api, *doc); err != nil {
		log.Fatal(err)
	}
}

func rewrite(api, doc string) error {
	current, err := os.ReadFile(doc)
	if err != nil {
		return err
	}
	table, err := Table(api)
	if err != nil {
		return err
	}
	updated, err := Splice(current, table)
	if err != nil {
		return fmt.Errorf("%s: %w", doc, err)
	}
	return os.WriteFile(doc, updated, 0o644)
}

// Reason is a condition reason and what its doc comment says it means.
type Reason struct {
	Value, Meaning string
}

// Reasons returns every Reason constant of the package in dir, by value.
func Reasons(dir string) ([]Reason, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	seen := map[string]Reason{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") || strings.HasPrefix(filepath.Base(file), "zz_generated") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Reason") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					value, _ := strconv.Unquote(lit.Value)
					comment := vs.Doc
					if comment == nil {
						comment = gen.Doc // const ReasonX = "X", alone
					}
					meaning := strings.Join(strings.Fields(comment.Text()), " ")
					// The doc comment reads "ReasonX means …": keep what it means.
					meaning = strings.TrimPrefix(strings.TrimPrefix(meaning, name.Name+" "), "means ")
					if prev, dup := seen[value]; dup && prev.Meaning != "" {
						continue
					}
					seen[value] = Reason{Value: value, Meaning: meaning}
				}
			}
		}
	}
	reasons := make([]Reason, 0, len(seen))
	for _, r := range seen {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool { return reasons[i].Value < reasons[j].Value })
	return reasons, nil
}

// Table is the markdown table of the reasons in dir.
func Table(dir string) ([]byte, error) {
	reasons, err := Reasons(dir)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("| reason | what it means, and so what to do |\n|---|---|\n")
	for _, r := range reasons {
		if r.Meaning == "" {
			return nil, fmt.Errorf("reason %s has no doc comment to say what it means", r.Value)
		}
		fmt.Fprintf(&b, "| `%s` | %s |\n", r.Value, strings.ReplaceAll(r.Meaning, "|", `\|`))
	}
	return b.Bytes(), nil
}

// Splice replaces what is between the markers of doc with table.
func Splice(doc, table []byte) ([]byte, error) { return docsection.Replace(doc, begin, end, table) }
