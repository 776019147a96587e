// Package controllers holds one reconciler per kind: each fetches its object,
// resolves its inputs, renders the desired children with internal/render,
// applies them with server-side apply and reports status.
package controllers
