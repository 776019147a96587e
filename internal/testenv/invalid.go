package testenv

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// Expectation is what the header of a manifest of test/testdata/invalid
// says its rejection holds: the field named and a fragment of the message.
type Expectation struct{ Field, Message string }

// ReadExpectation reads the '# field:' and '# message:' lines of an
// invalid manifest's header.
func ReadExpectation(path string) (Expectation, error) {
	f, err := os.Open(path)
	if err != nil {
		return Expectation{}, err
	}
	defer f.Close()
	var e Expectation
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if v, ok := strings.CutPrefix(line, "# field: "); ok {
			e.Field = v
		}
		if v, ok := strings.CutPrefix(line, "# message: "); ok {
			e.Message = v
		}
	}
	if err := s.Err(); err != nil {
		return Expectation{}, err
	}
	if e.Field == "" || e.Message == "" {
		return Expectation{}, fmt.Errorf("%s: the header must give '# field:' and '# message:'", path)
	}
	return e, nil
}
