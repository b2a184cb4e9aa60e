"""Clinical reference content: ICD-11 chapter 6 (attributed), therapy frameworks, crisis resources."""
