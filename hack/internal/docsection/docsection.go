// Package docsection rewrites the generated sections of hand-written
// documents: what lies between a begin and an end marker line, so a
// generator owns its table and the prose around it stays the author's.
package docsection

import (
	"bytes"
	"fmt"
)

// Replace returns doc with content between the lines begin and end (each a
// whole line, given without its newline).
func Replace(doc []byte, begin, end string, content []byte) ([]byte, error) {
	b, e := []byte(begin+"\n"), []byte(end+"\n")
	i := bytes.Index(doc, b)
	j := bytes.Index(doc, e)
	if i < 0 || j < i {
		return nil, fmt.Errorf("no %q … %q markers", begin, end)
	}
	var out bytes.Buffer
	out.Write(doc[:i+len(b)])
	out.Write(content)
	out.Write(doc[j:])
	return out.Bytes(), nil
}
