# Build and install pipetop:  make install PREFIX=$HOME/.local   (default /usr/local)
# Puts the binary, its man pages, shell completions (bash, zsh, fish) and the themes in the
# usual places under $(DESTDIR)$(PREFIX).
PREFIX ?= /usr/local
BIN := .build/release/pipetop
SHARE := $(DESTDIR)$(PREFIX)/share

.PHONY: all build man install uninstall test

all: build

build:
	swift build -c release --product pipetop

# swift-argument-parser writes the man pages from the commands' own help.
man: build
	mkdir -p .build/man
	swift package --allow-writing-to-directory .build/man generate-manual --multi-page --output-directory .build/man --authors "the pipetop developers"

install: build man
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/man/man1 $(SHARE)/pipetop/themes \
		$(SHARE)/bash-completion/completions $(SHARE)/zsh/site-functions $(SHARE)/fish/vendor_completions.d
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/pipetop
	install -m 644 .build/man/*.1 $(SHARE)/man/man1/
	install -m 644 Themes/*.theme $(SHARE)/pipetop/themes/
	$(BIN) --generate-completion-script bash > $(SHARE)/bash-completion/completions/pipetop
	$(BIN) --generate-completion-script zsh > $(SHARE)/zsh/site-functions/_pipetop
	$(BIN) --generate-completion-script fish > $(SHARE)/fish/vendor_completions.d/pipetop.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/pipetop $(SHARE)/man/man1/pipetop*.1 $(SHARE)/bash-completion/completions/pipetop \
		$(SHARE)/zsh/site-functions/_pipetop $(SHARE)/fish/vendor_completions.d/pipetop.fish
	rm -rf $(SHARE)/pipetop

test:
	swift test
