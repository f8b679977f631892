import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './selinux.cases.js';

ruleTester(cases.rule, cases);
