/* placeholder so the library has a source until the layer lands; delete when adding files */
int sms_model_placeholder(void);
int sms_model_placeholder(void) { return 0; }
