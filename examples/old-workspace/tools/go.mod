// gopolicy:ignore NOTAREAL001 this names no rule

require golang.org/x/tools v0.24.0
