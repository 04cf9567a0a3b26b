"""reporters/trees"""
