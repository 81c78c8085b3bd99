// Package i18n is Wubu's message catalogue. Messages are keyed by their
// English text (as with gettext), so code and templates read naturally; the
// catalogue gives each its Chinese. zh-CN is the default language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
)

// Languages.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Default is the language of a user who has not chosen one.
const Default = ZH

// The catalogue: catalogue/zh-CN/*.json give the Chinese of each English
// message, one file per area of Wubu; catalogue/en/*.json give English for
// symbolic keys such as "post:security" (every other message is its own
// English).
//
//go:embed catalogue
var catalogue embed.FS

var zh, en = load("zh-CN"), load("en")

// load merges the catalogue files of a language; a key defined twice is a
// mistake and stops the program.
func load(lang string) map[string]string {
	out := map[string]string{}
	files, err := fs.Glob(catalogue, "catalogue/"+lang+"/*.json")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		b, err := catalogue.ReadFile(f)
		if err != nil {
			panic(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", f, err))
		}
		for k, v := range m {
			if _, dup := out[k]; dup {
				panic(fmt.Sprintf("i18n: %s: %q is already in another file", f, k))
			}
			out[k] = v
		}
	}
	return out
}

// Supported reports whether lang is one of Wubu's languages.
func Supported(lang string) bool { return lang == ZH || lang == EN }

// T returns the message in the language, formatted with args when there are
// any. An untranslated message falls back to English.
func T(lang, msg string, args ...any) string {
	table := zh
	if lang == EN {
		table = en
	}
	if s, ok := table[msg]; ok && s != "" {
		msg = s
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether the catalogue translates msg into Chinese.
func Has(msg string) bool {
	_, ok := zh[msg]
	return ok
}

// Keys returns every message of the catalogue.
func Keys() []string {
	out := make([]string, 0, len(zh))
	for k := range zh {
		out = append(out, k)
	}
	return out
}

// FromRequest returns the language of a request: the "lang" cookie, else
// the signed-in user's choice (userLang), else Chinese. The browser's
// Accept-Language is not consulted: Wubu is Chinese first, whatever the
// front-desk PC was set up with.
func FromRequest(r *http.Request, userLang string) string {
	if c, err := r.Cookie("lang"); err == nil && Supported(c.Value) {
		return c.Value
	}
	if Supported(userLang) {
		return userLang
	}
	return Default
}
