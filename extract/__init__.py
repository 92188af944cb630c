"""policykg.extract: this folder is imported under the policykg package, never by its bare name."""
if __name__ != "policykg.extract":  # `import extract` from the repository root would make a second copy of every module
    raise ImportError(f"import this folder as policykg.extract, not {__name__!r}: install the project "
                      "(make install, or pip install -e .) and import policykg.extract")
