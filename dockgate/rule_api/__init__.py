"""rule_api"""
