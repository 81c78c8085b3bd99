package cnformat

import (
	"errors"
	"testing"
)

// wantError checks that err is an *Error with the given format whose only
// argument is the input.
func wantError(t *testing.T, err error, format, input string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error for %q: got %v, want *Error", input, err)
	}
	if e.Format != format {
		t.Errorf("error format for %q: got %v, want %v", input, e.Format, format)
	}
	if len(e.Args) != 1 || e.Args[0] != input {
		t.Errorf("error args for %q: got %v, want %v", input, e.Args, []any{input})
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		err  *Error
		want string
	}{
		{&Error{Format: msgMobile, Args: []any{"123"}}, `Mobile number "123" is not valid: it must have 11 digits starting with 1 (an optional +86 is allowed).`},
		{&Error{Format: msgRoom, Args: []any{"x"}}, `Room "x" is not understood: write it as 3-2-1201 or 3栋2单元1201.`},
		{&Error{Format: "plain"}, "plain"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error(): got %v, want %v", got, tt.want)
		}
	}
}

func TestFoldRune(t *testing.T) {
	tests := []struct {
		in, want rune
	}{
		{'１', '1'}, {'Ａ', 'A'}, {'ｚ', 'z'}, {'－', '-'}, {'—', '-'}, {'‐', '-'},
		{'–', '-'}, {'／', '/'}, {'＃', '#'}, {'\u3000', ' '}, {'栋', '栋'}, {'a', 'a'},
	}
	for _, tt := range tests {
		if got := foldRune(tt.in); got != tt.want {
			t.Errorf("foldRune(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
