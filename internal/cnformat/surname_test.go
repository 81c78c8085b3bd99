package cnformat

import "testing"

func TestSurname(t *testing.T) {
	for name, want := range map[string]string{"侯萍": "侯", "欧阳娜娜": "欧阳", "司马光": "司马", "欧阳": "欧", "王": "王", "Anna": "Anna", " 李明 ": "李"} {
		if got := Surname(name); got != want {
			t.Errorf("Surname(%q): got %q, want %q", name, got, want)
		}
	}
}
