extension Unicode.Scalar {
    /// Whether this scalar has no place in a name, nickname or description: the C0 and C1 controls
    /// (general category Cc) and the bidirectional overrides and isolates, which reorder how the text
    /// around them is displayed (spoofing). Other format characters are fine and needed: the zero-width
    /// joiner in 👩‍💻 and the zero-width non-joiner in Persian words.
    ///
    /// `CharacterSet.controlCharacters` is not this test: it holds Cf too, and refuses those emoji and names.
    package var isForbiddenInText: Bool {
        properties.generalCategory == .control || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }
}
